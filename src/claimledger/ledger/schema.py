"""The ledger's schema, read from its ``datapackage.json`` (Frictionless Data Package).

The descriptor is the single source of truth: column names, types, required
fields, vocabularies (enums), patterns, primary and foreign keys all come from
it. Nothing else in the package retypes them. This module does no I/O beyond
reading the descriptor.
"""
from __future__ import annotations

import json
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
        except (KeyError, TypeError) as err:
            raise SchemaError(f"{source}: not a usable Table Schema data package (missing {err}).") from err
        self.tables: dict[str, Table] = {t.name: t for t in tables}

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
    path = Path(root) / DESCRIPTOR
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemaError(
            f"{path}: no {DESCRIPTOR} here, so this is not a claimledger ledger. "
            f"Fix: run the command from the ledger's folder, pass --root DIR, or create one with `claimledger init DIR`."
        ) from None
    try:
        return Schema(json.loads(raw), str(path))
    except json.JSONDecodeError as err:
        raise SchemaError(f"{path}:{err.lineno}: column {err.colno}: invalid JSON ({err.msg}).") from err


def template_text() -> str:
    """The descriptor shipped with the package, used by ``claimledger init``."""
    return resources.files("claimledger").joinpath("data", DESCRIPTOR).read_text(encoding="utf-8")


def template_schema() -> Schema:
    return Schema(json.loads(template_text()), "claimledger/data/" + DESCRIPTOR)
