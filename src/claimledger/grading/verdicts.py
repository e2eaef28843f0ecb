"""The verdict table: the one place where verdict names, their order, labels, colours and meanings are written.

Everything else (grading rules, reasons, draft checks, pages, plots, exports,
the CLI) takes verdicts from here: :class:`Verdict` members compare equal to
their names (``Verdict.SUPPORTED == "supported"``), and :data:`VERDICT_TABLE`
gives each its plain label, colour, whether a draft making such a claim needs
fixing, its schema.org ClaimReview rating and a description. The only other
copy of the names is the ``verdict_override`` vocabulary in
``datapackage.json``, which a test keeps in step with this table.

To add a verdict level: add a member to :class:`Verdict` and a row to
:data:`VERDICT_TABLE`, add the name to ``verdict_override``'s enum in the
schema (the root ``datapackage.json`` and its packaged copy), describe it in
``docs/grading.md``, and give the rule that produces it a test.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    """The verdict scale, from best supported to not assessable."""

    SUPPORTED = "supported"
    PARTLY_SUPPORTED = "partly_supported"
    MIXED = "mixed"
    WEAK_OR_INDIRECT = "weak_or_indirect"
    CONTRADICTED = "contradicted"
    NO_EVIDENCE_FOUND = "no_evidence_found"
    NOT_YET_SEARCHED = "not_yet_searched"
    UNTESTABLE = "untestable"


@dataclass(frozen=True)
class VerdictInfo:
    """One row of the verdict table."""

    verdict: Verdict
    label: str
    """Plain words for people ("weak or indirect evidence")."""
    colour: str
    """Fill colour in figures and pages (hex); one colour-blind-safe palette for every output."""
    text_colour: str
    """Text colour that reads on ``colour`` (contrast at least 4.5:1)."""
    blocking: bool
    """A draft that makes a claim with this verdict needs fixing (``claimledger check`` exits 1)."""
    rating: int | None
    """schema.org ClaimReview ``ratingValue`` on a 1 (worst) to 5 (best) scale; None when the verdict is not a
    judgement of truth (nothing found, not searched, untestable)."""
    lead: str
    """How a reason for this verdict starts ("Supported by")."""
    description: str
    """What the verdict means, in one sentence."""


VERDICT_TABLE: tuple[VerdictInfo, ...] = (
    VerdictInfo(Verdict.SUPPORTED, "supported", "#1f5f9e", "#ffffff", False, 5, "Supported by",
                "Direct evidence of moderate or high certainty supports it and none goes against it."),
    VerdictInfo(Verdict.PARTLY_SUPPORTED, "partly supported", "#7fb8e0", "#1f2328", False, 4, "Partly supported by",
                "Support outweighs opposition, or support is direct but of low certainty, or indirect but strong."),
    VerdictInfo(Verdict.MIXED, "mixed evidence", "#e8d44d", "#1f2328", False, 3, "Evidence is mixed:",
                "Support and opposition weigh about the same, or the studies themselves found mixed results."),
    VerdictInfo(Verdict.WEAK_OR_INDIRECT, "weak or indirect evidence", "#f2a15a", "#1f2328", False, 2,
                "Only weak or indirect evidence:",
                "Only very-low-certainty, indirect, animal, healthy-volunteer or lab evidence bears on it."),
    VerdictInfo(Verdict.CONTRADICTED, "contradicted by the evidence", "#b2182b", "#ffffff", True, 1, "Contradicted by",
                "Clinical evidence refutes it, or shows no effect with moderate or high certainty."),
    VerdictInfo(Verdict.NO_EVIDENCE_FOUND, "no evidence found", "#6b4c9a", "#ffffff", True, None, "No evidence found",
                "Searched for (the searches are logged) and nothing was found that bears on it."),
    VerdictInfo(Verdict.NOT_YET_SEARCHED, "not yet searched", "#c8c8c8", "#1f2328", False, None, "Not yet searched",
                "No evidence is linked and no search is logged yet: work to do, not a finding."),
    VerdictInfo(Verdict.UNTESTABLE, "untestable", "#cc79a7", "#1f2328", False, None, "Not testable",
                "A belief of a tradition (qi, meridians) that no study could confirm or refute."),
)
"""Every verdict, in scale order."""

INFO: dict[str, VerdictInfo] = {row.verdict.value: row for row in VERDICT_TABLE}
"""Verdict name -> its row of the table."""

VERDICTS: list[str] = [row.verdict.value for row in VERDICT_TABLE]
"""Verdict names in scale order (best supported first)."""

ASCENDING: list[str] = VERDICTS[::-1]
"""The order of the ``verdict`` categorical (ordered): least supported (and not assessable) first, so comparisons and
``sort_values`` follow the scale: ``grades["verdict"] >= "partly_supported"`` selects supported and partly supported."""

BLOCKING: tuple[str, ...] = tuple(v for v in VERDICTS if INFO[v].blocking)
"""Verdicts that make a draft fail the check."""

JUDGED: tuple[str, ...] = tuple(v for v in VERDICTS if INFO[v].rating is not None)
"""Verdicts that judge the claim against evidence (the rest say why no judgement is possible)."""


def info(verdict) -> VerdictInfo:
    """The table row of a verdict (given as :class:`Verdict` or its name).

    >>> info("weak_or_indirect").label
    'weak or indirect evidence'
    """
    return INFO[str(verdict)]
