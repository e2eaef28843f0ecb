"""Why each claim got its verdict: the plain-language reason and the deciding citations.

Given the weighed units of evidence (:mod:`~claimledger.grading.units`) and the
decision of the rules (:mod:`~claimledger.grading.rules`), :func:`explain`
names the heaviest evidence on each side ("Partly supported by RCT tu2024 in
people with the condition (moderate certainty); against: guideline nice2016
..."), the citations that decided the verdict, and the caveats (preclinical
evidence only; support against usual care rather than sham; retracted
citations left out). Phrases are built only for the two heaviest units per
side of each claim, so the cost stays linear in the ledger.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..templating import plural
from .scales import CERTAINTIES, CERTAINTY_ASCENDING, DESIGN_LABEL, DIRECTNESS_LABEL, design_plural
from .verdicts import ASCENDING, Verdict, info

SIDE_SUPPORT, SIDE_AGAINST, SIDE_MIXED = 0, 1, 2
BOTH_SIDES = ("balanced", "support-outweighs", "opposition-outweighs")
PRECLINICAL_CAVEAT = "animal, healthy-volunteer and lab studies cannot show the effect in people with the condition"
UNCONTROLLED_CAVEAT = "some support compares with usual care or medication rather than sham, which does not isolate a specific effect"


def _rank_in_claim(claim: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal (sorted) claim codes."""
    pos = np.arange(len(claim))
    start = np.ones(len(claim), dtype=bool)
    start[1:] = claim[1:] != claim[:-1]
    return pos - np.maximum.accumulate(np.where(start, pos, 0))


def _top(idx: np.ndarray, claim: np.ndarray, n_claims: int, k: int):
    """Of units ``idx`` (grouped by claim, heaviest first), each claim's ``k`` heaviest: the units, their
    rank in the claim, and per claim (as lists) where its run starts and how long it is."""
    rank = _rank_in_claim(claim[idx])
    keep = rank < k
    counts = np.bincount(claim[idx[keep]], minlength=n_claims)
    return idx[keep], rank[keep], (np.cumsum(counts) - counts).tolist(), counts.tolist()


class _Evidence:
    """Per claim: the phrases and ids of the heaviest units on each side."""

    def __init__(self, units: pd.DataFrame, side: np.ndarray, n_claims: int):
        self.claim = units["claim"].to_numpy()
        self.n = n_claims
        self.design = units["design"].astype("string").fillna("").to_numpy(dtype=object)
        self.cid = units["citation_id"].astype(str).to_numpy(dtype=object)
        self.members = units["members"].to_numpy()
        self.directness = units["directness"].astype("string").fillna("").to_numpy(dtype=object)
        self.certainty = units["certainty"].astype("string").fillna("").to_numpy(dtype=object)
        self.side = {s: self.heaviest(side == s) for s in (SIDE_SUPPORT, SIDE_AGAINST, SIDE_MIXED)}
        top, _, self.all_at, self.all_n = _top(np.arange(len(side)), self.claim, n_claims, 3)
        self.all_ids = self.cid[top].tolist()

    def phrases(self, p: np.ndarray) -> np.ndarray:
        """The reason phrase of each unit in ``p`` (built only for the units a reason names)."""
        design = [DESIGN_LABEL.get(d, d) for d in self.design[p]]
        who = [f"{k} {design_plural(d)} pooling overlapping trials (one body of evidence, led by {c})" if k > 1 else f"{d} {c}"
               for d, c, k in zip(design, self.cid[p], self.members[p].tolist())]
        tail = [f" {DIRECTNESS_LABEL.get(d, '')} ({c.replace('_', ' ')} certainty)" for d, c in zip(self.directness[p], self.certainty[p])]
        return np.array([w + t for w, t in zip(who, tail)], dtype=object)

    def heaviest(self, mask: np.ndarray):
        """Of a claim's units in ``mask``: the reason text of the two heaviest, and the ids of the three
        heaviest as one flat list with per-claim starts and counts."""
        top, rank, starts, counts = _top(np.flatnonzero(mask), self.claim, self.n, 3)
        text = np.full(self.n, "", dtype=object)
        first, second = top[rank == 0], top[rank == 1]
        text[self.claim[first]] = self.phrases(first)
        text[self.claim[second]] = text[self.claim[second]] + "; " + self.phrases(second)
        return text.tolist(), self.cid[top].tolist(), starts, counts

    def ids(self, side: int, i: int, most: int | None = None) -> list[str]:
        _, ids, at, n = self.side[side]
        k = n[i] if most is None else min(n[i], most)
        return ids[at[i]:at[i] + k]

    def best(self, i: int) -> list[str]:
        return self.all_ids[self.all_at[i]:self.all_at[i] + self.all_n[i]]


def _weighed_reason(ev: _Evidence, i: int, verdict: str, rule: str) -> tuple[str, list[str]]:
    """The reason and deciding citations of a claim decided by the weighing rules."""
    s_txt, o_txt, m_txt = (ev.side[s][0][i] for s in (SIDE_SUPPORT, SIDE_AGAINST, SIDE_MIXED))
    lead_words = info(verdict).lead
    if rule == "weak-opposition":  # weak evidence that points against the claim must not read like weak support
        lead_words = lead_words.rstrip(":") + ", and it points against the claim:"
    if verdict == Verdict.CONTRADICTED:
        parts = [f"{lead_words} {o_txt or m_txt}"] + ([f"in favour: {s_txt}"] if s_txt else [])
        deciding = ev.ids(SIDE_AGAINST, i) or ev.best(i)
        return "; ".join(parts), deciding
    lead = s_txt or m_txt or o_txt
    parts = [f"{lead_words} {lead}"]
    if o_txt and lead is not o_txt:
        parts.append(f"against: {o_txt}")
    if m_txt and lead is not m_txt:
        parts.append(f"mixed: {m_txt}")
    if rule in BOTH_SIDES:
        deciding = list(dict.fromkeys(ev.ids(SIDE_SUPPORT, i, 2) + ev.ids(SIDE_AGAINST, i, 2) + ev.ids(SIDE_MIXED, i, 2)))[:4]
    else:
        deciding = ev.ids(SIDE_SUPPORT, i) or ev.best(i)
    return "; ".join(parts), deciding


def _unweighed(testable: bool, testable_reason: str, n_silent: int, n_searches: int, n_pending: int) -> tuple[str, str, str]:
    """Verdict, rule and reason of a claim with nothing to weigh: untestable, evidence waiting for verification,
    nothing found, or not searched."""
    if not testable:
        return Verdict.UNTESTABLE, Verdict.UNTESTABLE.value, f"Not testable: {testable_reason}" if testable_reason else "Not testable."
    if n_pending:
        waits = f"{plural(n_pending, 'citation')} wait{'s' if n_pending == 1 else ''} for verification"
        searched = plural(n_searches, "logged search", "logged searches")
        return Verdict.NOT_YET_SEARCHED, "pending-verification", f"Not assessed yet: {waits} (unverified citations never count; {searched})."
    if n_silent or n_searches:
        return (Verdict.NO_EVIDENCE_FOUND, "no-evidence",
                f"No evidence found after searching ({plural(n_searches, 'logged search', 'logged searches')}"
                + (f"; {plural(n_silent, 'checked citation')} do{'es' if n_silent == 1 else ''} not address it" if n_silent else "") + ").")
    return Verdict.NOT_YET_SEARCHED, "not-searched", "Not yet searched: no evidence links and no logged searches."


def explain(claims: pd.DataFrame, units: pd.DataFrame, side: np.ndarray, decided: list[tuple[str, Verdict] | None],
            certainty: np.ndarray, counts: dict[str, np.ndarray], flagged: dict[int, list[str]]) -> pd.DataFrame:
    """The grades table: each claim's verdict, certainty, reason and deciding citations, in claims order.

    ``decided`` holds per claim the ``(rule, verdict)`` the weighing rules chose (None: nothing to weigh),
    ``certainty`` indexes the certainty scale (-1: none), ``counts`` holds ``links`` and ``searches`` per claim,
    ``flagged`` the retracted citations per claim position.
    """
    n = len(claims)
    ev = _Evidence(units, side, n)
    uncontrolled = (np.bincount(units["claim"].to_numpy()[(side == SIDE_SUPPORT) & units["uncontrolled"].to_numpy(dtype=bool)],
                                minlength=n) > 0).tolist()
    testable = claims["testable"].astype("boolean").fillna(True).to_numpy().tolist()
    testable_reason = claims["testable_reason"].astype("string").fillna("").to_numpy().tolist()
    silent_n, searches_n, pending_n = counts["silent"].tolist(), counts["searches"].tolist(), counts["pending"].tolist()
    verdicts, rules, certainties, reasons, decidings, bads = [], [], [], [], [], []
    for i, d in enumerate(decided):
        cert = CERTAINTIES[certainty[i]] if certainty[i] >= 0 else ""
        if not testable[i] or d is None:
            verdict, rule, reason = _unweighed(testable[i], testable_reason[i], silent_n[i], searches_n[i], pending_n[i])
            deciding, cert = [], ""
        else:
            rule, verdict = d
            reason, deciding = _weighed_reason(ev, i, verdict, rule)
            if rule == "preclinical-only":
                reason += "; " + PRECLINICAL_CAVEAT
            if uncontrolled[i]:
                reason += "; " + UNCONTROLLED_CAVEAT
            reason += "."
        bad = flagged.get(i, [])
        if bad:
            reason += f" Retracted and not counted: {', '.join(bad)}."
        verdicts.append(str(verdict))
        rules.append(rule)
        certainties.append(cert)
        reasons.append(reason)
        decidings.append(deciding)
        bads.append(bad)
    return _assemble(claims, verdicts, rules, certainties, reasons, decidings, bads, counts)


def _assemble(claims, verdicts, rules, certainties, reasons, decidings, bads, counts) -> pd.DataFrame:
    text = lambda values: pd.array(values, dtype="str")  # all str: what inferring the dtype would give, faster
    override = claims["verdict_override"].astype("string").fillna("").to_numpy()
    verdict_type = pd.CategoricalDtype(ASCENDING, ordered=True)
    computed = pd.Categorical(verdicts, dtype=verdict_type)
    overridden = override != ""
    return pd.DataFrame({
        "claim_id": claims["claim_id"].astype(str).array,
        "statement": claims["statement"].astype(str).array,
        "category": claims["category"].astype(str).array,
        "verdict": (pd.Categorical([o or c for o, c in zip(override.tolist(), verdicts)], dtype=verdict_type)
                    if overridden.any() else computed.copy()),
        "computed_verdict": computed,
        "overridden": overridden,
        "override_reason": text(claims["override_reason"].astype("string").fillna("").to_numpy()),
        "certainty": pd.Categorical([c or None for c in certainties], dtype=pd.CategoricalDtype(CERTAINTY_ASCENDING, ordered=True)),
        "reason": text(reasons),
        "citations": text([";".join(map(str, d)) for d in decidings]),  # a blank citation_id (invalid, loaded leniently) reads as nan
        "retracted_citations": text([";".join(map(str, b)) for b in bads]),
        "n_links": counts["links"].astype(int),
        "n_searches": counts["searches"].astype(int),
        "rule": text(rules),
    })
