"""Tools for writers: match sentences to ledger claims, check drafts, suggest careful wording, extract mentions.

- :mod:`.sentences`: splitting text and Markdown into located sentences; what reads like a health claim;
- :mod:`.match`: the claim index (lexical TF-IDF with stemming and synonyms; optional embeddings);
- :mod:`.wording`: careful wording from a verdict and its evidence; :mod:`.reports`: each claim's report;
- :mod:`.checker`: checking a sentence or a draft; :mod:`.extract`: candidate mentions and merging a review.
"""
from .checker import Checker, DraftReport, read_draft
from .reports import ClaimReport, ClaimReports
from .wording import careful_wording

__all__ = ["Checker", "ClaimReport", "ClaimReports", "DraftReport", "careful_wording", "read_draft"]
