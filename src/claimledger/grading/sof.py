"""The Summary of Findings card of a claim: GRADE as data. DataFrames in, a dataclass out; no I/O.

A card says what a Cochrane Summary of Findings table says for one outcome: the question (population,
intervention, comparator, outcome), the leading evidence with its studies and participants, the relative and
absolute effect with their confidence interval where the ledger has them, the certainty and why (the GRADE
domains, each judged by a rule of :mod:`~claimledger.grading.domains` or by an assessor in
``evidence/assessments.csv``), and a plain-language statement in the words of GRADE guideline 26.

The card's certainty is coherent with the verdicts table by construction: it is the lower of

- the claim-level certainty of :func:`~claimledger.grading.rules.grade_claims` (grading rule 8: the certainty
  recorded for the deciding evidence, lowered for indirectness), and
- the certainty the domains give: the starting level of the deciding evidence's design, moved down and up by
  the domain judgements.

So a card is never more certain than the verdicts table; it is less certain when a domain (a rule or a person)
finds a concern that the recorded rating did not take into account, and its note says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..templating import render, static
from .domains import (
    DOMAIN_LABEL,
    DOMAINS,
    DOWN,
    FREQUENCY_MEASURES,
    JUDGEMENT_LABEL,
    NOT_ASSESSED,
    RATIO_MEASURES,
    UP,
    Estimate,
    Judgement,
    Start,
    certainty_index,
    evidence_name,
    fmt,
    judge_by_person,
    judge_imprecision,
    judge_inconsistency,
    judge_indirectness,
    judge_large_effect,
    shift,
    starting_level,
)
from .plain_language import plain_language
from .rules import weigh
from .scales import AGAINST, CERTAINTIES, MIXED_STANCE
from .verdicts import Verdict, info

DOMAIN_COLUMNS = ["domain", "judgement", "reason", "source"]
"""The columns of :attr:`SummaryOfFindings.domains`, exactly."""
ASSESSMENT_COLUMNS = ["claim_id", "domain", "judgement", "reason", "assessor", "assessed_on"]
CERTAINTY_SCALE = pd.CategoricalDtype(CERTAINTIES[::-1], ordered=True)
"""Certainty as an ordered categorical: very_low < low < moderate < high."""


@dataclass
class SummaryOfFindings:
    """A claim's Summary of Findings card: its question, effect, certainty and the GRADE domains behind it.

    Examples
    --------
    >>> sof = ledger.summary_of_findings("decreases-daily-pain")  # doctest: +SKIP
    >>> sof.certainty, sof.domains.columns.tolist()  # doctest: +SKIP
    ('moderate', ['domain', 'judgement', 'reason', 'source'])
    """

    claim_id: str
    statement: str
    verdict: str
    population: str
    intervention: str
    comparator: str
    """What the leading evidence compared with (or the claim's own comparator)."""
    outcome: str
    evidence: str
    """The leading evidence in words: the unit whose certainty sets the claim's (grading rule 8); "" when none."""
    citations: list[str]
    """The claim's usable evidence, leading first."""
    n_studies: int | None
    n_participants: int | None
    relative_effect: str
    absolute_effect: str
    certainty: str | None
    """high, moderate, low or very_low; None when no evidence was weighed (see :attr:`certainty_note`)."""
    claim_certainty: str | None
    """The certainty of ``ledger.grades()`` for this claim."""
    domain_certainty: str | None
    """The starting level moved by the domains (None when no evidence was weighed)."""
    start: str | None
    start_reason: str
    certainty_note: str
    """How :attr:`certainty` relates to :attr:`claim_certainty` and :attr:`domain_certainty`."""
    plain_language: str
    """The finding in GRADE guideline 26's words."""
    domains: pd.DataFrame = field(repr=False)
    """One row per GRADE domain: ``domain``, ``judgement``, ``reason``, ``source`` (``rule`` or ``assessor``)."""
    footnotes: list[str] = field(default_factory=list)
    """The reason for each rating: the starting level, every domain that moved it or was judged by a person,
    the domains nobody could assess, and the certainty note."""
    assessors: dict[str, str] = field(default_factory=dict, repr=False)
    """Domain -> who judged it and when (``"A. Reviewer, 2026-11-21"``), for domains with source ``assessor``."""

    @property
    def certainty_symbols(self) -> str:
        """GRADE's symbols: high ⊕⊕⊕⊕, moderate ⊕⊕⊕◯, low ⊕⊕◯◯, very low ⊕◯◯◯ ("" without a certainty)."""
        if self.certainty not in CERTAINTIES:
            return ""
        n = len(CERTAINTIES) - CERTAINTIES.index(self.certainty)
        return "\u2295" * n + "\u25ef" * (len(CERTAINTIES) - n)

    def card(self) -> dict:
        """The card's fields and domain rows as plain values (for templates and exports)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "domains"}
        out["domains"] = self.domains.to_dict("records")
        out["certainty_symbols"] = self.certainty_symbols
        out["labels"] = {"domain": DOMAIN_LABEL, "judgement": JUDGEMENT_LABEL}
        return out

    def _repr_html_(self) -> str:
        return render("sof.html.j2", cards=[self.card()], css=static("sof.css"))


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)


def _sentence(text: str) -> str:
    """Text with its first letter capitalised (reasons often start with a design: "animal study ...")."""
    return text[:1].upper() + text[1:]


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


class Findings:
    """Everything the cards of one ledger need, computed once: the weighed units, the grades, the estimates and the
    assessments. :meth:`card` builds one claim's card.

    Parameters
    ----------
    claims, links, citations : the ledger's tables.
    grades : ``ledger.grades()`` (the claim-level certainty and the verdict).
    assessments : ``evidence/assessments.csv`` (may be empty).
    """

    def __init__(self, claims: pd.DataFrame, links: pd.DataFrame, citations: pd.DataFrame, grades: pd.DataFrame,
                 assessments: pd.DataFrame | None = None):
        self.claims = claims.set_index(claims["claim_id"].astype(str), drop=False)
        self.grades = grades.set_index(grades["claim_id"].astype(str), drop=False)
        self.weighed = weigh(claims, links, citations)
        units = self.weighed.units
        self.rows = {int(k): v for k, v in units.groupby("claim", sort=False).indices.items()} if len(units) else {}
        self.position = {cid: i for i, cid in enumerate(claims["claim_id"].astype(str))}
        self.links, self.citations = links, citations
        a = assessments if assessments is not None else pd.DataFrame(columns=ASSESSMENT_COLUMNS)
        self.assessments = {str(k): g for k, g in a.groupby(a["claim_id"].astype(str), sort=False)} if len(a) else {}
        self._estimates: pd.DataFrame | None = None
        self._cards: dict[str, SummaryOfFindings] = {}

    def estimates(self) -> pd.DataFrame:
        """Effect estimates of the usable links only (retracted, unverified and ``not_addressed`` ones left out)."""
        if self._estimates is None:
            from .synthesis import effect_estimates

            w = self.weighed
            usable = w.joined.loc[w.usable, ["claim_id", "citation_id"]].astype(str)
            est = effect_estimates(self.links, self.citations)
            keys = usable["claim_id"] + "\x1f" + usable["citation_id"]
            self._estimates = est[(est["claim_id"].astype(str) + "\x1f" + est["citation_id"].astype(str)).isin(set(keys))] \
                if len(est) else est
        return self._estimates

    def units(self, claim_id: str) -> list[dict]:
        """The claim's units of evidence, heaviest first, as dicts."""
        rows = self.rows.get(self.position[claim_id])
        return [] if rows is None else self.weighed.units.iloc[rows].to_dict("records")

    def lead(self, claim_id: str) -> dict | None:
        """The unit whose certainty rule 8 takes (None when the claim has no units)."""
        i = int(self.weighed.basis[self.position[claim_id]])
        return None if i >= len(self.weighed.units) else self.weighed.units.iloc[i].to_dict()

    def card(self, claim_id: str) -> SummaryOfFindings:
        """The Summary of Findings card of one claim.

        Raises
        ------
        KeyError
            for a claim id the ledger does not have.
        """
        if claim_id not in self.position:
            raise KeyError(f"no claim {claim_id!r}")
        if claim_id not in self._cards:
            self._cards[claim_id] = build_card(self, claim_id)
        return self._cards[claim_id]


def _pooled(findings: Findings, claim_id: str) -> pd.DataFrame:
    est = findings.estimates()
    mine = est[est["claim_id"].astype(str) == claim_id] if len(est) else est
    if len(mine) < 2:
        return pd.DataFrame(columns=["measure", "comparator", "k", "estimate", "ci_low", "ci_high", "i2", "method", "citations"])
    from .synthesis import pool_comparable

    return pool_comparable(mine)


def _cited(value) -> list[str]:
    """A pooled group's citations: a ``;``-joined text (or a list)."""
    return [str(c) for c in value] if isinstance(value, (list, tuple)) else [c for c in str(value).split(";") if c]


def lead_estimate(lead: dict, pooled: pd.DataFrame, estimates: pd.DataFrame) -> Estimate | None:
    """The estimate imprecision is judged on: the pooled one the leading evidence is part of, else its own."""
    cid = str(lead["citation_id"])
    for p in pooled.itertuples(index=False):
        cited = _cited(p.citations)
        if cid in cited:
            rows = estimates[estimates["citation_id"].astype(str).isin(cited) & (estimates["claim_id"] == lead["claim_id"])]
            n = rows["n_participants"]
            total = int(n.sum()) if len(n) and n.notna().all() else None
            return Estimate(str(p.measure), float(p.estimate), float(p.ci_low), float(p.ci_high), total,
                            f"{p.k} comparable estimates pooled ({', '.join(cited)}; {p.method} random effects)")
    measure = _text(lead.get("measure"))
    lo, hi = _float(lead.get("ci_low")), _float(lead.get("ci_high"))
    n = _int(lead.get("n_participants"))
    if not measure and n is None:
        return None
    ci = lo is not None and hi is not None
    return Estimate(measure, _float(lead.get("estimate")), lo if ci else None, hi if ci else None, n, evidence_name(lead))


def _highest_i2(pooled: pd.DataFrame) -> tuple[float, str] | None:
    if pooled.empty:
        return None
    p = pooled.loc[pooled["i2"].astype(float).idxmax()]
    return float(p["i2"]), (f"{p['k']} {p['measure']} estimates against {str(p['comparator']).replace('_', ' ')} "
                            f"({', '.join(_cited(p['citations']))})")


def rule_judgements(findings: Findings, claim_id: str, lead: dict, start: Start) -> tuple[dict[str, Judgement], Estimate | None]:
    """Every domain as the rules judge it, and the estimate imprecision was judged on."""
    pooled = _pooled(findings, claim_id)
    estimate = lead_estimate(lead, pooled, findings.estimates())
    judged = {
        "indirectness": judge_indirectness(lead),
        "imprecision": judge_imprecision(estimate),
        "inconsistency": judge_inconsistency(findings.units(claim_id), _highest_i2(pooled)),
        "large_effect": judge_large_effect(start, estimate),
    }
    for domain in ("risk_of_bias", "publication_bias", "dose_response", "plausible_confounding"):
        judged[domain] = judge_by_person(domain, start, lead)
    return judged, estimate


def apply_assessments(judged: dict[str, Judgement], assessments: pd.DataFrame | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The domains table: the rules' judgements, each replaced by the assessor's where ``assessments`` has a row."""
    rows = {d: [d, j.judgement, _sentence(j.reason), "rule"] for d, j in judged.items()}
    who: dict[str, str] = {}
    for a in (assessments.to_dict("records") if assessments is not None else []):
        domain = str(a["domain"])
        if domain in rows:
            rows[domain] = [domain, str(a["judgement"]), _text(a["reason"]), "assessor"]
            when = pd.Timestamp(a["assessed_on"]).date().isoformat() if not pd.isna(a["assessed_on"]) else ""
            who[domain] = ", ".join(x for x in (_text(a["assessor"]), when) if x)
    down = any(rows[d][1] in ("serious", "very_serious") for d in DOWN)
    for d in UP:  # GRADE guideline 9: rate up only evidence without serious limitations; the rule does not, a person may
        if rows[d][3] == "rule" and rows[d][1] in ("up_one", "up_two") and down:
            rows[d] = [d, "none", rows[d][2] + " Not rated up: another domain rates this evidence down.", "rule"]
    return pd.DataFrame([rows[d] for d in DOMAINS], columns=DOMAIN_COLUMNS), who


def domain_certainty(start: Start, domains: pd.DataFrame) -> str:
    """The starting level moved down and up by the domain judgements, within the scale."""
    moved = certainty_index(start.level) + sum(shift(d, j) for d, j in zip(domains["domain"], domains["judgement"]))
    return CERTAINTIES[int(np.clip(moved, 0, len(CERTAINTIES) - 1))]


def build_card(findings: Findings, claim_id: str) -> SummaryOfFindings:
    """One claim's card (see :class:`SummaryOfFindings`)."""
    claim, grade = findings.claims.loc[claim_id], findings.grades.loc[claim_id]
    lead = findings.lead(claim_id)
    verdict, claim_certainty = str(grade["verdict"]), _text(grade["certainty"]) or None
    if lead is None or claim_certainty is None:
        return _unrated_card(findings, claim, verdict)
    start = starting_level(lead, _text(claim["category"]))
    judged, estimate = rule_judgements(findings, claim_id, lead, start)
    domains, who = apply_assessments(judged, findings.assessments.get(claim_id))
    by_domains = domain_certainty(start, domains)
    certainty = CERTAINTIES[max(certainty_index(claim_certainty), certainty_index(by_domains))]
    note = certainty_note(lead, claim_certainty, by_domains, certainty)
    relative, absolute = effect_texts(estimate, lead)
    units = findings.units(claim_id)
    ordered = [str(lead["citation_id"])] + [str(u["citation_id"]) for u in units if str(u["citation_id"]) != str(lead["citation_id"])]
    return SummaryOfFindings(
        claim_id, _text(claim["statement"]), verdict, _text(claim.get("population")), _text(claim.get("intervention")),
        comparator_label(_text(lead.get("comparator"))) or _text(claim.get("comparator")),
        _text(lead.get("outcome")) or _text(claim.get("outcome")), evidence_name(lead), ordered,
        _int(lead.get("n_studies")), estimate.n_participants if estimate is not None else _int(lead.get("n_participants")),
        relative, absolute, certainty, claim_certainty, by_domains, start.level, _sentence(start.reason), note,
        plain_language(_text(claim["statement"]), certainty, direction(verdict, lead)), domains,
        footnotes(start, domains, who, note), who)


def comparator_label(comparator: str) -> str:
    """``usual_care`` -> ``usual care``; ``none`` -> ``none (a single group)``."""
    return "none (a single group)" if comparator == "none" else comparator.replace("_", " ")


def direction(verdict: str, lead: dict) -> str:
    """Which way the evidence points: mixed for a mixed verdict; ``against`` for a contradicted claim or opposing
    leading evidence; mixed for leading evidence with mixed results; else ``for``."""
    stance = _text(lead.get("stance"))
    if verdict == Verdict.MIXED:
        return MIXED_STANCE
    if verdict == Verdict.CONTRADICTED or stance in AGAINST:
        return "against"
    return MIXED_STANCE if stance == MIXED_STANCE else "for"


def _unrated_card(findings: Findings, claim: pd.Series, verdict: str) -> SummaryOfFindings:
    """The card of a claim with no certainty: untestable, not yet searched, or nothing found."""
    why = f"No evidence was weighed: {info(verdict).label} ({info(verdict).description.rstrip('.').lower()})."
    judged = {d: Judgement(NOT_ASSESSED, why) for d in DOMAINS}
    domains, who = apply_assessments(judged, findings.assessments.get(str(claim["claim_id"])))
    description = info(verdict).description
    note = f"No certainty rating: {description[:1].lower() + description[1:]}"
    notes = [f"{DOMAIN_LABEL[d]} ({who[d]}): {r}" for d, r, s in zip(domains["domain"], domains["reason"], domains["source"])
             if s == "assessor"]
    return SummaryOfFindings(
        str(claim["claim_id"]), _text(claim["statement"]), verdict, _text(claim.get("population")),
        _text(claim.get("intervention")), _text(claim.get("comparator")), _text(claim.get("outcome")), "", [], None, None,
        "not estimable: no evidence weighed", "not estimable: no evidence weighed", None, None, None, None, "", note,
        note, domains, [note, *notes], who)


def certainty_note(lead: dict, claim_certainty: str, by_domains: str, certainty: str) -> str:
    """Why the card's certainty is what it is, next to the verdicts table's."""
    label = lambda c: c.replace("_", " ")
    recorded = _text(lead.get("certainty"))
    basis = (f"the paper's own GRADE rating ({label(recorded)})" if _text(lead.get("certainty_basis")) == "paper_grade" else
             f"the assessor's rating ({label(recorded)}; reason given: \u201c{_text(lead.get('certainty_reason')) or 'none'}\u201d)")
    lowered = ", lowered for indirectness by grading rule 8" if claim_certainty != recorded else ""
    table = f"The verdicts table takes the certainty recorded for {evidence_name(lead)}: {basis}{lowered}."
    if certainty_index(by_domains) > certainty_index(claim_certainty):
        return f"The domains give {label(by_domains)}, lower than the verdicts table's {label(claim_certainty)}, so the card says {label(certainty)}. {table}"
    if certainty_index(by_domains) < certainty_index(claim_certainty):
        return (f"The domains alone would give {label(by_domains)}, but the card keeps the verdicts table's {label(claim_certainty)}: "
                f"no card rates evidence above the certainty recorded for it. {table}")
    return f"The domains agree with the verdicts table: {label(certainty)}. {table}"


def footnotes(start: Start, domains: pd.DataFrame, who: dict[str, str], note: str) -> list[str]:
    """The reason for each rating, in order: start, each domain that moves it or was judged by a person, the rest."""
    notes = [f"Starting level {start.level.replace('_', ' ')}: {_sentence(start.reason)}"]
    unassessed = []
    for d, j, r, s in domains[DOMAIN_COLUMNS].itertuples(index=False):
        moves = shift(d, j) != 0
        if moves or s == "assessor":
            by = f"assessor {who[d]}" if s == "assessor" else "rule"
            notes.append(f"{DOMAIN_LABEL[d]}: {JUDGEMENT_LABEL[j]} ({by}). {r}")
        elif j == NOT_ASSESSED:
            unassessed.append(DOMAIN_LABEL[d].lower())
    if unassessed:
        notes.append(f"Not assessed: {', '.join(unassessed)}; the ledger cannot judge these, and an assessor can record them in "
                     "evidence/assessments.csv.")
    notes.append(note)
    return notes


def effect_texts(e: Estimate | None, lead: dict) -> tuple[str, str]:
    """The relative and the absolute effect with their 95% CI, or why each is not estimable. A difference names its
    outcome, and the scale and the side that favours the intervention where links.csv records them."""
    if e is None or not e.measure or e.estimate is None:
        why = "not estimable: no effect estimate is recorded for this evidence"
        return why, why
    ci = f" (95% CI {fmt(e.ci_low)} to {fmt(e.ci_high)})" if e.ci_low is not None else " (no confidence interval recorded)"
    outcome = _text(lead.get("outcome"))
    on = f" on {outcome}" if outcome else ""
    if e.measure in RATIO_MEASURES:
        favours = {"lower": "; below 1 favours the intervention", "higher": "; above 1 favours the intervention"}
        return (f"{e.measure} {fmt(e.estimate)}{ci}{favours.get(_text(lead.get('better')), '')}",
                "not estimable: the ledger records no control-group risk to turn the ratio into an absolute difference")
    if e.measure in FREQUENCY_MEASURES:
        return ("not applicable: a frequency in one group, not a comparison", f"{e.measure} {fmt(e.estimate)}{ci}{on}")
    notes = [x for x in (_text(lead.get("scale")), {"lower": "lower favours the intervention", "higher": "higher favours the "
             "intervention"}.get(_text(lead.get("better")), "")) if x]
    return ("not applicable: a difference, not a ratio", f"{e.measure} {fmt(e.estimate)}{ci}{on}" + (f" ({'; '.join(notes)})" if notes else ""))


CARD_FIELDS = ["claim_id", "statement", "verdict", "population", "intervention", "comparator", "outcome", "evidence", "citations",
               "n_studies", "n_participants", "relative_effect", "absolute_effect", "certainty", "claim_certainty",
               "domain_certainty", "start", "plain_language", "certainty_note"]
"""The card fields :func:`sof_table` repeats on each domain row."""


def sof_table(cards: list[SummaryOfFindings]) -> pd.DataFrame:
    """The cards as one table: a row per claim and domain, the card's fields repeated on each row, then the domain's
    ``domain``, ``judgement``, ``reason``, ``source`` and ``assessor``.

    ``certainty``, ``claim_certainty``, ``domain_certainty`` and ``start`` are ordered categoricals (very_low < low <
    moderate < high), so sorting and comparisons follow the scale; a missing certainty is NA.

    Examples
    --------
    >>> t = sof_table([ledger.summary_of_findings(c) for c in ledger.claims["claim_id"]])  # doctest: +SKIP
    >>> t[t["certainty"] >= "moderate"]["claim_id"].unique()[:2]  # doctest: +SKIP
    array(['relieves-sciatica-pain', 'decreases-daily-pain'], dtype=object)
    """
    rows = [{**{k: getattr(c, k) for k in CARD_FIELDS}, **d, "assessor": c.assessors.get(d["domain"], "")}
            for c in cards for d in c.domains.to_dict("records")]
    out = pd.DataFrame(rows, columns=[*CARD_FIELDS, *DOMAIN_COLUMNS, "assessor"])
    for col in ("certainty", "claim_certainty", "domain_certainty", "start"):
        out[col] = out[col].astype(CERTAINTY_SCALE)
    for col in ("n_studies", "n_participants"):
        out[col] = out[col].astype("Int64")
    return out
