"""Tools for writers: match sentences to ledger claims, check drafts, suggest careful wording, extract mentions.

- :mod:`.sentences`: splitting text and Markdown into located sentences and clauses; what reads like a health claim;
- :mod:`.match`: the claim index (lexical TF-IDF with stemming, synonyms and aliases; optional embeddings);
- :mod:`.phrasing`: wording tied to certainty (GRADE guideline 26) and overclaiming words;
- :mod:`.wording`: careful wording from a verdict and its evidence; :mod:`.reports`: each claim's report;
- :mod:`.checker`: checking a sentence or a draft; :mod:`.bundle`: a cached index for fast checks;
- :mod:`.extract`: candidate mentions and merging a review; :mod:`.quality`: scoring the matcher on labelled text.

Names are imported on first use.
"""
from importlib import import_module

__all__ = ["Checker", "ClaimReport", "ClaimReports", "DraftReport", "careful_wording", "read_draft"]
_NAMES = {"Checker": ".checker", "DraftReport": ".checker", "read_draft": ".checker", "ClaimReport": ".reports",
          "ClaimReports": ".reports", "careful_wording": ".wording"}


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(import_module(_NAMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
