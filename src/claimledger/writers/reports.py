"""What a writer needs to know about each claim: verdict, certainty, reason, best citations and careful wording.

:class:`ClaimReports` computes them once per claim from a loaded ledger (no
matching involved), for ``claimledger check``, the explorer and the exports.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..citations import citation_link, format_citation, id_list, text
from ..grading.scales import NOT_ADDRESSED


@dataclass
class ClaimReport:
    """What a writer needs to know about one matched claim."""

    claim_id: str
    statement: str
    score: float
    matched_text: str
    verdict: str
    certainty: str
    reason: str
    wording: str
    citations: list[dict] = field(default_factory=list)
    """Up to three deciding citations, best first: citation_id, text (formatted), link."""
    start: int = 0
    """Where in the checked text the claim is made (character offsets; for a draft, offsets into the draft)."""
    end: int = 0

    def to_dict(self) -> dict:
        return {"claim_id": self.claim_id, "statement": self.statement, "score": self.score, "verdict": self.verdict,
                "certainty": self.certainty, "reason": self.reason, "wording": self.wording, "matched_text": self.matched_text,
                "citations": self.citations, "start": self.start, "end": self.end}

    def related_dict(self) -> dict:
        """A possibly related claim: what it is and how close, never its verdict (it is not this text's claim)."""
        return {"claim_id": self.claim_id, "statement": self.statement, "score": self.score, "start": self.start, "end": self.end}



class ClaimReports:
    """Per-claim reports of a loaded ledger, built on demand and kept.

    Examples
    --------
    >>> ClaimReports(claimledger.load(".")).report("endorphin-release").verdict  # doctest: +SKIP
    'mixed'
    """

    def __init__(self, ledger):
        self.ledger = ledger
        self.grades = ledger.grades().set_index("claim_id", drop=False)
        self.claims = ledger.claims.set_index(ledger.claims["claim_id"].astype(str), drop=False)
        self.citations = ledger.citations.set_index(ledger.citations["citation_id"].astype(str), drop=False)
        links = ledger.links.merge(ledger.citations[["citation_id", "design", "year", "evidence_body", "retracted", "title"]],
                                   on="citation_id", how="left")
        usable = ~links["retracted"].fillna(False).astype(bool) & (links["stance"].astype(str) != NOT_ADDRESSED)
        self.links = {str(k): v for k, v in links[usable].groupby(links[usable]["claim_id"].astype(str), sort=False)}
        self._reports: dict[str, ClaimReport] = {}

    def citation(self, citation_id: str) -> dict | None:
        """``{"citation_id", "text", "link"}`` for a citation of the ledger (None when unknown)."""
        if citation_id not in self.citations.index:
            return None
        row = self.citations.loc[citation_id]
        return {"citation_id": citation_id, "text": format_citation(row), "link": citation_link(row)}

    def report(self, claim_id: str) -> ClaimReport:
        """Verdict, reason, up to three deciding citations and careful wording for one claim."""
        base = self._reports.get(claim_id)
        if base is None:
            g = self.grades.loc[claim_id]
            verdict = str(g["verdict"])
            cits = [c for c in (self.citation(cid) for cid in id_list(g["citations"])[:3]) if c is not None]
            from .wording import careful_wording

            links = self.links.get(claim_id)
            wording = careful_wording(verdict, self.claims.loc[claim_id], links, text(g["certainty"]))
            base = ClaimReport(claim_id, str(g["statement"]), 0.0, "", verdict, text(g["certainty"]), str(g["reason"]), wording, cits)
            self._reports[claim_id] = base
        return base
