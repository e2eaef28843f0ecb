"""``docs/data-model.md`` from the schema: one section per table (columns, types, constraints, keys, an example row),
and the catalogue of problem codes. Run ``python -m claimledger.ledger.docs`` to rewrite the generated part of the page
(everything after :data:`MARKER`); a test fails when the page and the schema disagree.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from ..files import write_atomic
from ..problems import CODES
from .schema import Field, Schema, Table, read_schema

MARKER = "<!-- Everything below is generated from datapackage.json by `python -m claimledger.ledger.docs`; do not edit by hand. -->"


def _constraints(f: Field, table: Table) -> str:
    parts = []
    if f.enum is not None:
        parts.append(", ".join(f"`{v}`" for v in f.enum))
    if f.pattern:
        parts.append(f"pattern `{f.pattern}`")
    if f.minimum is not None or f.maximum is not None:
        parts.append(f"{f.minimum if f.minimum is not None else ''}..{f.maximum if f.maximum is not None else ''}")
    if f.unique or list(table.primary_key) == [f.name]:
        parts.append("unique")
    return "; ".join(parts)


def _example(root: Path, table: Table) -> str:
    try:
        with open(root / table.path, encoding="utf-8-sig", newline="") as fh:
            row = next(csv.DictReader(fh), None)
    except OSError:
        row = None
    if not row:
        return ""
    return "Example row:\n\n```\n" + "\n".join(f"{k}: {v}" for k, v in row.items()) + "\n```\n"


def table_section(table: Table, root: Path) -> str:
    """The Markdown section of one table."""
    keys = f"Primary key: `{', '.join(table.primary_key)}`."
    if table.foreign_keys:
        keys += " Foreign keys: " + "; ".join(f"`{', '.join(fk.fields)}` \u2192 `{fk.resource}.{', '.join(fk.reference_fields)}`"
                                               for fk in table.foreign_keys) + "."
    rows = [f"| `{f.name}` | {f.type} | {'yes' if f.required else ''} | {_constraints(f, table)} | {f.description} |"
            for f in table.fields]
    body = [f"## `{table.path}` ({table.name})", "", table.description, "", keys, "",
            "| column | type | required | allowed values / format | meaning |", "|---|---|---|---|---|", *rows, ""]
    example = _example(root, table)
    return "\n".join(body) + ("\n" + example if example else "")


def generated(schema: Schema, root: Path) -> str:
    """Everything after the marker: every table, then the problem codes."""
    lead = ("Every problem `claimledger validate`, `merge-review` and `resolve` report carries one of these codes "
            "(`claimledger.problems.CODES`); they are stable, so scripts may rely on them.")
    codes = ["## Problem codes", "", lead, "",
             "| code | meaning |", "|---|---|", *[f"| `{c}` | {m} |" for c, m in CODES.items()], ""]
    return "\n".join([table_section(t, root) for t in schema.tables.values()] + ["\n".join(codes)])


def page(root: str | Path = ".") -> str:
    """``docs/data-model.md`` with its generated part brought up to date (the hand-written introduction is kept)."""
    root = Path(root)
    doc = root / "docs" / "data-model.md"
    intro = doc.read_text(encoding="utf-8").split(MARKER, 1)[0].rstrip() if doc.exists() else "# Data model"
    return f"{intro}\n\n{MARKER}\n\n{generated(read_schema(root), root)}"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    write_atomic(target / "docs" / "data-model.md", page(target))
