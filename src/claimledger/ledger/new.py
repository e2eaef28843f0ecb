"""Creating an empty ledger for a new topic (``claimledger init``)."""
from __future__ import annotations

import json
from pathlib import Path

from ..files import GITIGNORE, csv_text, write_atomic
from ..problems import EvidenceError
from .schema import DESCRIPTOR, Schema, template_text


def init_ledger(directory: str | Path) -> Path:
    """Create ``directory`` with the packaged schema, empty tables and ``documents/``.

    Raises EvidenceError when the folder already holds a ledger.
    """
    root = Path(directory)
    if (root / DESCRIPTOR).exists():
        raise EvidenceError(f"{root / DESCRIPTOR} already exists: {root} is a ledger already. Fix: choose an empty or new folder.")
    text = template_text()
    schema = Schema(json.loads(text))
    (root / "documents").mkdir(parents=True, exist_ok=True)
    write_atomic(root / DESCRIPTOR, text)
    for t in schema.tables.values():
        if not (root / t.path).exists():
            write_atomic(root / t.path, csv_text(t.field_names, []))
    if not (root / ".gitignore").exists():
        write_atomic(root / ".gitignore", "\n".join(GITIGNORE) + "\n")
    return root

