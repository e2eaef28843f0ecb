"""Counts that describe a ledger: claims by category, mentions and claims by document."""
from __future__ import annotations

import pandas as pd


def summarise(ledger) -> dict[str, pd.DataFrame]:
    """Counts by category and by document, as DataFrames.

    Returns ``by_category`` (category, claims), ``by_document`` (document_id, file, mentions, claims) and
    ``category_by_document`` (categories by documents: distinct claims each document makes).
    """
    claims = ledger.claims
    by_category = claims["category"].value_counts(sort=False).rename_axis("category").reset_index(name="claims")
    m = ledger.mentions
    by_document = (m.groupby("document_id", observed=True)
                   .agg(mentions=("mention_id", "size"), claims=("claim_id", "nunique")).reset_index())
    docs = ledger.documents[["document_id", "file"]]
    by_document = docs.merge(by_document, on="document_id", how="left").fillna({"mentions": 0, "claims": 0})
    by_document[["mentions", "claims"]] = by_document[["mentions", "claims"]].astype(int)
    cat_doc = (m.merge(claims[["claim_id", "category"]], on="claim_id").drop_duplicates(["claim_id", "document_id"])
               .pivot_table(index="category", columns="document_id", values="claim_id", aggfunc="count", fill_value=0, observed=False))
    return {"by_category": by_category, "by_document": by_document, "category_by_document": cat_doc}
