"""Careful wording: what a writer can say instead, from a claim's verdict, certainty and what its evidence is.

The wording names who was studied (people with the condition, a related
group, animals), which designs, against what comparator, and whether
anything disagrees. It reads the evidence through the grading's own units
(:func:`~claimledger.grading.units.evidence_units`), so it counts evidence
exactly as the verdict does. No I/O.
"""
from __future__ import annotations

import re

import pandas as pd

from ..citations import text
from ..grading.scales import AGAINST, BACKGROUND, COMPARATOR_PHRASE, DESIGN_LABEL, MIXED_STANCE, PRECLINICAL, SUPPORTS, design_plural
from ..grading.units import evidence_units
from ..grading.verdicts import Verdict
from .phrasing import graded_statement

_SPECIES = re.compile(r"\b(rats?|mice|mouse|rabbits?|dogs?|pigs?|monkeys?|cats?|sheep|zebrafish)\b", re.IGNORECASE)
_SPECIES_PLURAL = {"rat": "rats", "mouse": "mice", "rabbit": "rabbits", "dog": "dogs", "pig": "pigs", "monkey": "monkeys", "cat": "cats"}


def _plural(design: str, n: int) -> str:
    label = DESIGN_LABEL.get(design, design.replace("_", " "))
    if n == 1:
        return ("an " if label[0].lower() in "aeiou" or label.startswith("RCT") else "a ") + label
    return f"{n} {design_plural(label)}"


WHERE = {"indirect_population": "in a related group of patients", "indirect_intervention": "of a related treatment",
         "indirect_outcome": "on a related outcome", "animal": "in animals", "healthy_volunteers": "in healthy volunteers",
         "in_vitro": "in lab experiments"}


def _where(row, population: str) -> str:
    d = str(row["directness"])
    if d == "direct":
        return f"in {population}" if population else "in people with the condition"
    return WHERE.get(d, "")


def _comparator(row) -> str:
    """``over sham``, ``compared with medication``: only for support (it qualifies what the support shows)."""
    return COMPARATOR_PHRASE.get(text(row.get("comparator")), "") if str(row["stance"]) == SUPPORTS else ""


def _unit_phrase(row, population: str) -> str:
    phrase = f"{_plural(str(row['design']), int(row['members']))} {_where(row, population)}".strip()
    comp = _comparator(row)
    return f"{phrase} ({comp})" if comp else phrase


def _phrases(units: pd.DataFrame, population: str) -> str:
    """``an RCT in adults with sciatica (over sham) and 2 meta-analyses ...``: like units counted together."""
    counts: dict[tuple, int] = {}
    for _, r in units.iterrows():
        key = (str(r["design"]), _where(r, population), _comparator(r))
        counts[key] = counts.get(key, 0) + int(r["members"])
    parts = []
    for (design, where, comp), n in counts.items():
        phrase = f"{_plural(design, n)} {where}".strip()
        parts.append(f"{phrase} ({comp})" if comp else phrase)
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _species(links: pd.DataFrame) -> str:
    found = []
    for value in pd.concat([links.get("finding", pd.Series(dtype=str)), links.get("title", pd.Series(dtype=str))]).dropna():
        for m in _SPECIES.findall(str(value)):
            name = _SPECIES_PLURAL.get(m.lower(), m.lower())
            if name not in found:
                found.append(name)
    return " and ".join(found[:2])


NO_JUDGEMENT = {
    Verdict.UNTESTABLE: ("This is a belief of the tradition, not something a study can test: attribute it "
                         "(\u201cpractitioners believe that \u2026\u201d, \u201cin traditional theory \u2026\u201d) rather than stating it as fact."),
    Verdict.NOT_YET_SEARCHED: ("Not checked against the evidence yet: leave it out, or attribute it (\u201cpractitioners say \u2026\u201d) "
                               "until a researcher has searched for studies."),
    Verdict.NO_EVIDENCE_FOUND: ("No studies were found that test this: don't state it as fact. Say \u201cthere is no good evidence that \u2026\u201d, "
                                "or leave it out."),
}
"""Wording for verdicts that say why no judgement is possible."""


class _Evidence:
    """A claim's units of evidence split by side, for the wording rules below."""

    def __init__(self, links: pd.DataFrame, claim, population: str, certainty: str = ""):
        # Background medical facts supported by moderate or high certainty evidence are worded as facts.
        self.links = links
        self.population = population
        statement = text(claim.get("statement"))
        fact = text(claim.get("category")) == BACKGROUND and certainty in ("high", "moderate")
        self.say = (statement.rstrip(".") + "." if fact else graded_statement(statement, certainty)) if statement else ""
        """The claim worded for its certainty (GRADE guideline 26)."""
        self.that = _that(statement)
        self.people = population or "people"
        category = text(claim.get("category"))  # the links are all the claim's own
        self.units = evidence_units(links, {str(c): category for c in links["claim_id"].unique()})
        stance = self.units["stance"].astype(str)
        self.sup = self.units[stance == SUPPORTS]
        self.opp = self.units[stance.isin(list(AGAINST))]
        self.mix = self.units[stance == MIXED_STANCE]
        self.pre = self.units["directness"].astype(str).isin(PRECLINICAL)

    def phrase(self, row) -> str:
        return _unit_phrase(row, self.population)

    def phrases(self, units: pd.DataFrame) -> str:
        return _phrases(units, self.population)


def _that(statement: str) -> str:
    s = statement.strip().rstrip(".")
    return s[0].lower() + s[1:] if s and not s[:2].isupper() else s


def _contradicted(ev: _Evidence) -> str:
    best = ev.opp.iloc[0] if len(ev.opp) else ev.units.iloc[0]
    finding = text(best.get("finding"))
    return ("The evidence goes against this: don't make the claim. "
            f"What {ev.phrase(best)} found instead: {finding}" if finding else
            f"The evidence goes against this ({ev.phrase(best)}): don't make the claim.")


def _preclinical_only(ev: _Evidence) -> str:
    dirs = set(ev.sup["directness"].astype(str))
    if dirs == {"animal"}:
        who = _species(ev.links[ev.links["directness"].astype(str) == "animal"]) or "animals"
        shown = f"Shown only in {who}"
    elif dirs == {"healthy_volunteers"}:
        shown = "Shown only in healthy volunteers"
    elif dirs == {"in_vitro"}:
        shown = "Shown only in lab experiments"
    else:
        shown = "Shown only in animal, lab or healthy-volunteer studies"
    return (f"{shown}; no studies in {ev.people}. Say \u201cin animal or lab studies \u2026\u201d and that this has not been "
            "shown in people, or leave it out.")


def _weak(ev: _Evidence) -> str:
    sup, opp, pre = ev.sup, ev.opp, ev.pre
    if len(sup) and pre[sup.index].all() and not (len(opp) and (~pre[opp.index]).any()):
        return _preclinical_only(ev)
    if len(opp) and not len(sup):
        return (f"The few studies ({ev.phrase(opp.iloc[0])}) found little or no effect: avoid the claim, "
                f"or say \u201cThere is little evidence that {ev.that}.\u201d")
    lead = sup.iloc[0] if len(sup) else ev.units.iloc[0]
    if str(lead["directness"]) != "direct":
        return (f"The evidence is indirect ({ev.phrase(lead)}) and of {str(lead['certainty']).replace('_', ' ')} "
                f"certainty: don't present it as established. Say: \u201c{ev.say}\u201d")
    return f"Only small or low-quality studies ({ev.phrase(lead)}). Say: \u201c{ev.say}\u201d"


def _mixed(ev: _Evidence) -> str:
    pro = ev.phrases(pd.concat([ev.sup, ev.mix]).head(3)) or "some studies"
    con = ev.phrases(pd.concat([ev.opp, ev.mix]).head(3)) or "others"
    return (f"Studies disagree: {pro} in favour; {con} against or inconclusive. Say: \u201cThe evidence is mixed on whether "
            f"{ev.that}.\u201d and give both sides, not a firm statement.")


def _supported(ev: _Evidence, fully: bool) -> str:
    sup, opp, pre = ev.sup, ev.opp, ev.pre
    lead = sup[~pre[sup.index]] if len(sup) and (~pre[sup.index]).any() else sup
    summary = ev.phrases(lead.head(3)) or "the studies"
    against = ""
    if len(opp):
        guideline = opp["design"].astype(str).eq("guideline")
        against = ("; guidelines disagree" if guideline.sum() > 1 else "; a guideline disagrees" if guideline.any()
                   else f"; {_plural(str(opp.iloc[0]['design']), len(opp))} found no effect")
    if fully:
        cert = str(lead.iloc[0]["certainty"]).replace("_", " ") if len(lead) else ""
        return (f"Supported by {summary} ({cert} certainty){against}. Say: \u201c{ev.say}\u201d with a citation; "
                "\u201cproven\u201d or \u201ccures\u201d overstates it.")
    plural = " and " in summary or summary[0].isdigit()
    return (f"{summary[0].upper() + summary[1:]} support{'' if plural else 's'} it{against}. "
            f"Say: \u201c{ev.say}\u201d, not \u201cproven\u201d.")


def careful_wording(verdict: str, claim, links: pd.DataFrame, certainty: str = "") -> str:
    """Wording a writer could use instead, from the verdict and what the evidence is.

    Parameters
    ----------
    verdict : the claim's verdict (``grades()["verdict"]``).
    certainty : its overall certainty (``grades()["certainty"]``), which sets the wording (GRADE guideline 26).
    claim : the claim's row of ``ledger.claims`` (claim_id, category, population, testable_reason).
    links : the claim's usable links (not retracted, not ``not_addressed``) merged with their
        citations' design, year, title and evidence_body.

    Examples
    --------
    For a claim supported only by rat studies: ``"Shown only in rats; no studies in people. Say ..."``.
    """
    verdict = str(verdict)
    if verdict == Verdict.NO_EVIDENCE_FOUND and text(claim.get("statement")):
        return (f"No studies were found that test this: don't state it as fact. Say \u201cThere is no good evidence that "
                f"{_that(text(claim.get('statement')))}.\u201d, or leave it out.")
    if verdict in NO_JUDGEMENT:
        return NO_JUDGEMENT[verdict]
    if links is None or len(links) == 0:
        return "Hedge it: \u201csome evidence suggests \u2026\u201d rather than stating it as fact."
    ev = _Evidence(links, claim, text(claim.get("population")), str(certainty or ""))
    if verdict == Verdict.CONTRADICTED:
        return _contradicted(ev)
    if verdict == Verdict.WEAK_OR_INDIRECT:
        return _weak(ev)
    if verdict == Verdict.MIXED:
        return _mixed(ev)
    return _supported(ev, fully=verdict == Verdict.SUPPORTED)
