"""Synthetic ledgers for the benchmarks, generated from the schema (valid by construction)."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from claimledger.ledger.new import init_ledger
from claimledger.ledger.schema import read_schema

WORDS = np.array(["acupuncture", "needle", "sciatica", "nerve", "pain", "relief", "trial", "sham", "placebo", "review", "evidence", "inflammation", "muscle", "blood", "flow", "endorphin", "spinal", "disc", "herniation", "leg", "back", "patient", "dose", "session", "week"])


def make_ledger(root: Path, n_claims: int, n_mentions: int, n_docs: int = 50, doc_chars: int = 200_000, seed: int = 0) -> Path:
    """Write a valid ledger with ``n_claims`` claims, ``n_mentions`` mentions, one search per claim."""
    rng = np.random.default_rng(seed)
    if root.exists():
        shutil.rmtree(root)
    init_ledger(root)
    schema = read_schema(root)
    docs = []
    texts = []
    for d in range(n_docs):
        words = rng.choice(WORDS, size=doc_chars // 7)
        text = " ".join(words)[:doc_chars] + "\n"
        path = root / "documents" / f"doc{d:03d}.txt"
        path.write_text(text, encoding="utf-8")
        texts.append(text)
        docs.append({"document_id": f"doc{d:03d}", "file": f"documents/doc{d:03d}.txt",
                     "sha256": hashlib.sha256(text.encode()).hexdigest(), "title": f"Synthetic document {d}"})
    _write(root, schema, "documents", pd.DataFrame(docs))
    ids = np.array([f"claim-{i}" for i in range(n_claims)])
    cats = np.array(schema.vocabulary("claims", "category"))
    _write(root, schema, "claims", pd.DataFrame({
        "claim_id": ids, "statement": np.char.add("Synthetic claim number ", np.arange(n_claims).astype(str)),
        "category": cats[rng.integers(0, len(cats), n_claims)], "testable": "true"}))
    doc_idx = rng.integers(0, n_docs, n_mentions)
    start = rng.integers(0, doc_chars - 100, n_mentions)
    length = rng.integers(20, 80, n_mentions)
    quotes = [texts[d][s:s + n] for d, s, n in zip(doc_idx, start, length)]
    claim_of = np.concatenate([np.arange(n_claims), rng.integers(0, n_claims, max(0, n_mentions - n_claims))])[:n_mentions]
    _write(root, schema, "mentions", pd.DataFrame({
        "mention_id": np.char.add("m", np.arange(n_mentions).astype(str)), "claim_id": ids[claim_of],
        "document_id": np.char.add("doc", np.char.zfill(doc_idx.astype(str), 3)), "quote": quotes,
        "start": start, "end": start + length}))
    _write(root, schema, "searches", pd.DataFrame({
        "search_id": np.char.add("s", np.arange(n_claims).astype(str)), "claim_id": ids, "source": "synthetic",
        "interface": "synthetic benchmark row (no search was run)",
        "query": "synthetic query", "searched_on": "2026-11-21", "records_screened": 0, "records_kept": 0}))
    return root


def _write(root: Path, schema, table: str, df: pd.DataFrame) -> None:
    t = schema.table(table)
    for c in t.field_names:
        if c not in df:
            df[c] = ""
    df[t.field_names].to_csv(root / t.path, index=False, lineterminator="\n")
