"""The ledger's schema, read from its ``datapackage.json`` (Frictionless Data Package).

The descriptor is the single source of truth: column names, types, required
fields, vocabularies (enums), patterns, primary and foreign keys all come from
it. Nothing else in the package retypes them. This module does no I/O beyond
reading the descriptor.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from ..problems import SchemaError

DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True)
class Field:
    """One column of a table, as declared in the Table Schema."""

    name: str
    type: str
    description: str
    required: bool
    unique: bool
    enum: tuple[str, ...] | None
    pattern: str | None
    minimum: float | None
    maximum: float | None
    true_values: tuple[str, ...]
    false_values: tuple[str, ...]

    @classmethod
    def from_descriptor(cls, d: dict) -> Field:
        c = d.get("constraints", {})
        enum = c.get("enum")
        return cls(
            name=d["name"],
            type=d.get("type", "string"),
            description=d.get("description", ""),
            required=bool(c.get("required", False)),
            unique=bool(c.get("unique", False)),
            enum=tuple(enum) if enum is not None else None,
            pattern=c.get("pattern"),
            minimum=c.get("minimum"),
            maximum=c.get("maximum"),
            true_values=tuple(d.get("trueValues", ["true", "True", "TRUE", "1"])),
            false_values=tuple(d.get("falseValues", ["false", "False", "FALSE", "0"])),
        )


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One resource (table) of the package."""

    name: str
    path: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


REQUIRED_TABLES = ("claims", "documents", "mentions")
"""Tables every ledger has: without them no ledger rule could be checked."""


def _check_field(source: str, table: str, f: Field) -> None:
    where = f'{source}: resource "{table}", field "{f.name}"'
    if not isinstance(f.name, str) or not isinstance(f.type, str):
        raise SchemaError(f"{where}: name and type must be text. Fix: write them as strings.")
    if f.pattern is not None:
        try:
            if not isinstance(f.pattern, str):
                raise TypeError("not a string")
            re.compile(f.pattern)
        except (re.error, TypeError, RecursionError, OverflowError) as err:
            raise SchemaError(f"{where}: pattern {f.pattern!r} is not a valid regular expression ({err}). "
                              "Fix: correct the pattern.") from None
    for bound in ("minimum", "maximum"):
        value = getattr(f, bound)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value)):
            raise SchemaError(f"{where}: {bound} {value!r} is not a number. Fix: write it as a JSON number, e.g. 0.")
    if f.enum is not None and not all(isinstance(v, str) for v in f.enum):
        raise SchemaError(f"{where}: enum values must be text. Fix: quote each value.")


def _check_table(source: str, t: Table) -> None:
    if not isinstance(t.name, str) or not isinstance(t.path, str) or not t.path:
        raise SchemaError(f"{source}: resource {t.name!r} needs a name and a path (text). Fix: write both as strings.")
    names = t.field_names
    for f in t.fields:
        _check_field(source, t.name, f)
    for key in t.primary_key + tuple(c for fk in t.foreign_keys for c in fk.fields):
        if key not in names:
            raise SchemaError(f'{source}: resource "{t.name}" names key column "{key}", which it does not declare. '
                              "Fix: declare the field or correct the key.")


def _as_tuple(v) -> tuple[str, ...]:
    if v is None:
        return ()
    return (v,) if isinstance(v, str) else tuple(v)


class Schema:
    """The parsed descriptor: ``schema.table("claims").field("category").enum``."""

    def __init__(self, descriptor: dict, source: str = DESCRIPTOR):
        self.descriptor = descriptor
        self.source = source
        try:
            tables = []
            for r in descriptor["resources"]:
                s = r["schema"]
                fks = tuple(
                    ForeignKey(_as_tuple(fk["fields"]), fk["reference"]["resource"], _as_tuple(fk["reference"]["fields"]))
                    for fk in s.get("foreignKeys", [])
                )
                tables.append(
                    Table(
                        name=r["name"],
                        path=r["path"],
                        description=r.get("description", ""),
                        fields=tuple(Field.from_descriptor(f) for f in s["fields"]),
                        primary_key=_as_tuple(s.get("primaryKey")),
                        foreign_keys=fks,
                    )
                )
        except (KeyError, TypeError, AttributeError) as err:
            raise SchemaError(f"{source}: not a usable Table Schema data package (missing or malformed {err}). "
                              "Fix: compare it with the datapackage.json that `claimledger init` writes.") from None
        self.tables: dict[str, Table] = {t.name: t for t in tables}
        for t in tables:
            _check_table(source, t)

    def require(self, *names: str) -> Schema:
        """This schema, if it declares every table named (default: :data:`REQUIRED_TABLES`).

        Raises
        ------
        SchemaError
            naming the tables it lacks.
        """
        missing = [n for n in (names or REQUIRED_TABLES) if n not in self.tables]
        if missing:
            raise SchemaError(f"{self.source}: no resource named {', '.join(missing)}; it declares {', '.join(self.tables) or 'none'}. "
                              "Fix: restore the missing resource(s) from the datapackage.json that `claimledger init` writes.")
        return self

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            raise SchemaError(f"{self.source}: no resource named {name!r}; it declares {', '.join(self.tables)}.") from None

    def vocabulary(self, table: str, field: str) -> tuple[str, ...]:
        """The allowed values of an enum column, e.g. ``vocabulary('links', 'stance')``."""
        return self.table(table).field(field).enum or ()

    @cached_property
    def text(self) -> str:
        return json.dumps(self.descriptor, indent=2, ensure_ascii=False) + "\n"


def read_schema(root: str | Path = ".") -> Schema:
    """Read ``datapackage.json`` from a ledger root.

    Raises
    ------
    SchemaError
        when the file is missing or is not valid JSON.
    """
    root = Path(root)
    path = root / DESCRIPTOR
    if root.exists() and not root.is_dir():
        raise SchemaError(f"{root} is a file, not a ledger folder. Fix: pass the folder that holds {DESCRIPTOR} to --root.")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SchemaError(
            f"{path}: no {DESCRIPTOR} here, so this is not a claimledger ledger. "
            f"Fix: run the command from the ledger's folder, pass --root DIR, or create one with `claimledger init DIR`."
        ) from None
    except OSError as err:
        raise SchemaError(f"{path}: cannot be read ({err.strerror or err}). Fix: make it (and its folder) readable.") from None
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise SchemaError(f"{path}:{line}: column {col}: byte 0x{data[err.start]:02X} is not valid UTF-8. "
                          "Fix: save the file as UTF-8.") from None
    try:
        descriptor = json.loads(raw)
    except json.JSONDecodeError as err:
        raise SchemaError(f"{path}:{err.lineno}: column {err.colno}: invalid JSON ({err.msg}). "
                          "Fix: correct the JSON (a validator such as `python -m json.tool` shows where).") from None
    return Schema(descriptor, str(path))


def template_text() -> str:
    """The descriptor shipped with the package, used by ``claimledger init``."""
    return resources.files("claimledger").joinpath("data", DESCRIPTOR).read_text(encoding="utf-8")


def template_schema() -> Schema:
    return Schema(json.loads(template_text()), "claimledger/data/" + DESCRIPTOR)
