"""Checking a writer's sentence or draft against the ledger: matching claims, verdicts, evidence and careful wording.

:class:`Checker` holds a loaded ledger, its grades and a claim index
(:mod:`claimledger.match`). :meth:`Checker.check_sentence` finds the claims a
sentence makes; :meth:`Checker.check_draft` does it for every sentence of a
Markdown or plain-text draft and also lists sentences that read like health
claims the ledger does not track yet. The text, JSON and HTML renderings live
here too; the CLI only prints them.

Careful wording is derived from the verdict and from what the evidence is:
who was studied (people with the condition, a related group, animals), which
designs, against what comparator, and whether anything disagrees.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .match import DEFAULT_THRESHOLD, MIN_TERMS, ClaimIndex, Match, Sentence, split_sentences
from .report import citation_link
from .score import AGAINST, CERTAINTY_POINTS, DESIGN_LABEL, DIRECTNESS_FACTOR, PRECLINICAL, VERDICTS

BLOCKING_VERDICTS = ("contradicted", "no_evidence_found")
"""A draft making a claim graded one of these fails the check (exit 2)."""
EXIT_BLOCKING = 2
RELATIVE_CUTOFF = 0.5
"""A runner-up match is shown only when it scores at least this fraction of the best match."""

VERDICT_COLOURS = {
    "supported": "#1a7f37", "partly_supported": "#4d9a2a", "mixed": "#b08800", "weak_or_indirect": "#d4721c",
    "contradicted": "#cf222e", "no_evidence_found": "#8250df", "not_yet_searched": "#6e7781", "untestable": "#57606a",
}
"""Text colour per verdict (a light tint of the same colour is the highlight)."""
VERDICT_LABELS = {
    "supported": "supported", "partly_supported": "partly supported", "mixed": "mixed evidence",
    "weak_or_indirect": "weak or indirect evidence", "contradicted": "contradicted by the evidence",
    "no_evidence_found": "no evidence found", "not_yet_searched": "not yet searched", "untestable": "untestable",
}

# Words that make a sentence read like a health claim. A sentence with one of them and no ledger match is
# listed for a researcher to add; the words are deliberately broad (a false alarm costs a glance).
CLAIM_CUES = re.compile(r"""\b(
    help(s|ed|ing)? | reduc(e|es|ed|ing) | reliev(e|es|ed|ing) | relief | cur(e|es|ed|ing) | heal(s|ed|ing)? |
    treat(s|ed|ing)? | prevent(s|ed|ing)? | boost(s|ed|ing)? | improv(e|es|ed|ing) | releas(e|es|ed|ing) |
    prov(en|es|ed) | shown | studies\s+show | research\s+shows | clinically | effective(ly)? | works? |
    safe(ly|r)? | eas(e|es|ed|ing) | alleviat\w* | lower(s|ed|ing)? | increas(e|es|ed|ing) | decreas(e|es|ed|ing) |
    stimulat\w* | promot(e|es|ed|ing) | restor(e|es|ed|ing) | eliminat\w* | strengthen\w* | detox\w* |
    side[\s-]effects? | guarantee[sd]? | miracle | risk[\s-]free | painkillers? | fights? | protects? | causes? |
    regenerat\w* | regrow\w* | blocks? | balanc(e|es|ed|ing) | flush(es|ed|ing)?
)\b""", re.IGNORECASE | re.VERBOSE)

COMPARATOR_PHRASE = {"sham": "over sham", "placebo": "over placebo", "usual_care": "compared with usual care",
                     "medication": "compared with medication", "no_treatment": "compared with no treatment",
                     "active_treatment": "compared with another treatment"}
_SPECIES = re.compile(r"\b(rats?|mice|mouse|rabbits?|dogs?|pigs?|monkeys?|cats?|sheep|zebrafish)\b", re.IGNORECASE)
_SPECIES_PLURAL = {"rat": "rats", "mouse": "mice", "rabbit": "rabbits", "dog": "dogs", "pig": "pigs", "monkey": "monkeys", "cat": "cats"}


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value).strip()


def format_authors(row, most: int = 3) -> str:
    """``Tu JF, Yang JW, Shi GX, et al.`` from the ``authors`` column (``;``-separated), else the first author."""
    names = [a.strip() for a in _text(row.get("authors")).split(";") if a.strip()]
    etal = any(n.lower().rstrip(".") in ("et al", "others") for n in names)
    names = [n for n in names if n.lower().rstrip(".") not in ("et al", "others")]
    if not names:
        first = _text(row.get("first_author"))
        return f"{first} et al." if first else ""
    if len(names) > most:
        names, etal = names[:most], True
    return ", ".join(names) + (", et al." if etal else "")


def format_citation(row) -> str:
    """One line: authors (year). Title. Journal. Link.

    Examples
    --------
    >>> format_citation({"authors": "Tu JF; et al.", "year": 2024, "title": "Acupuncture vs Sham", "journal": "JAMA Intern Med",
    ...                  "doi": "10.1001/jamainternmed.2024.5463"})
    'Tu JF, et al. (2024). Acupuncture vs Sham. JAMA Intern Med. https://doi.org/10.1001/jamainternmed.2024.5463'
    """
    parts = []
    authors = format_authors(row)
    year = _text(row.get("year"))
    if authors or year:
        parts.append(f"{authors} ({year})." if year else f"{authors}.")
    title = _text(row.get("title")).rstrip(".")
    if title:
        parts.append(title + ".")
    journal = _text(row.get("journal")).rstrip(".")
    if journal:
        parts.append(journal + ".")
    link = citation_link(row)
    if link:
        parts.append(link)
    return " ".join(parts)


def _plural(design: str, n: int) -> str:
    label = DESIGN_LABEL.get(design, design.replace("_", " "))
    if n == 1:
        return ("an " if label[0].lower() in "aeiou" or label.startswith("RCT") else "a ") + label
    word = label[:-8] + "analyses" if label.endswith("analysis") else label + "s"
    return f"{n} {word}"


def _where(row, population: str) -> str:
    d = str(row["directness"])
    if d == "direct":
        return f"in {population}" if population else "in people with the condition"
    return {"indirect_population": "in a related group of patients", "indirect_intervention": "of a related treatment",
            "indirect_outcome": "on a related outcome", "animal": "in animals", "healthy_volunteers": "in healthy volunteers",
            "in_vitro": "in lab experiments"}.get(d, "")


def evidence_summary(links: pd.DataFrame) -> pd.DataFrame:
    """One row per unit of evidence, heaviest first: reviews sharing an ``evidence_body`` count once.

    A light version of the grading's units (``claimledger.score``), used only to describe the evidence in words:
    columns of the representative link plus ``members`` (how many citations the unit holds).
    """
    df = links.copy()
    for col in ("stance", "directness", "certainty", "design", "comparator"):
        df[col] = df[col].astype("string").fillna("").astype(str) if col in df else ""
    body = df["evidence_body"].astype("string").fillna("") if "evidence_body" in df else pd.Series("", index=df.index)
    df["unit"] = body.where(body != "", "cit:" + df["citation_id"].astype(str))
    df["weight"] = df["certainty"].map(CERTAINTY_POINTS).fillna(1.0) * df["directness"].map(DIRECTNESS_FACTOR).fillna(0.25)
    df["year_"] = pd.to_numeric(df["year"], errors="coerce").fillna(0) if "year" in df else 0
    df = df.sort_values(["weight", "year_"], ascending=False, kind="stable")
    df["members"] = df.groupby("unit", sort=False)["citation_id"].transform("size").astype(int)
    return df.drop_duplicates("unit").reset_index(drop=True)


def _unit_phrase(row, population: str) -> str:
    n = int(row["members"])
    text = f"{_plural(str(row['design']), n)} {_where(row, population)}".strip()
    comp = COMPARATOR_PHRASE.get(_text(row.get("comparator")))
    return f"{text} ({comp})" if comp and str(row["stance"]) == "supports" else text


def _species(links: pd.DataFrame) -> str:
    found = []
    for text in pd.concat([links.get("finding", pd.Series(dtype=str)), links.get("title", pd.Series(dtype=str))]).dropna():
        for m in _SPECIES.findall(str(text)):
            name = _SPECIES_PLURAL.get(m.lower(), m.lower())
            if name not in found:
                found.append(name)
    return " and ".join(found[:2])


def careful_wording(verdict: str, claim, links: pd.DataFrame) -> str:
    """Wording a writer could use instead, from the verdict and what the evidence is.

    Parameters
    ----------
    verdict : the claim's verdict (``grades()["verdict"]``).
    claim : the claim's row of ``ledger.claims`` (category, population, testable_reason).
    links : the claim's usable links (not retracted, not ``not_addressed``) merged with their
        citations' design, year, title and evidence_body.

    Examples
    --------
    For a claim supported only by rat studies: ``"Shown only in rats; no studies in people. Say ..."``.
    """
    population = _text(claim.get("population"))
    people = population or "people"
    if verdict == "untestable":
        return ("This is a belief of the tradition, not something a study can test: attribute it "
                "(\u201cpractitioners believe that \u2026\u201d, \u201cin traditional theory \u2026\u201d) rather than stating it as fact.")
    if verdict == "not_yet_searched":
        return ("Not checked against the evidence yet: leave it out, or attribute it (\u201cpractitioners say \u2026\u201d) "
                "until a researcher has searched for studies.")
    if verdict == "no_evidence_found":
        return ("No studies were found that test this: don't state it as fact. Say \u201cthere is no good evidence that \u2026\u201d, "
                "or leave it out.")
    if links is None or links.empty:
        return "Hedge it: \u201csome evidence suggests \u2026\u201d rather than stating it as fact."
    units = evidence_summary(links)
    stance = units["stance"].astype(str)
    sup, opp, mix = units[stance == "supports"], units[stance.isin(list(AGAINST))], units[stance == "mixed"]
    pre = units["directness"].astype(str).isin(PRECLINICAL)
    if verdict == "contradicted":
        best = opp.iloc[0] if len(opp) else units.iloc[0]
        finding = _text(best.get("finding"))
        return ("The evidence goes against this: don't make the claim. "
                f"What {_unit_phrase(best, population)} found instead: {finding}" if finding else
                f"The evidence goes against this ({_unit_phrase(best, population)}): don't make the claim.")
    if verdict == "weak_or_indirect":
        if len(sup) and pre[sup.index].all() and not (len(opp) and (~pre[opp.index]).any()):
            dirs = set(sup["directness"].astype(str))
            if dirs == {"animal"}:
                who = _species(links[links["directness"].astype(str) == "animal"]) or "animals"
                shown = f"Shown only in {who}"
            elif dirs == {"healthy_volunteers"}:
                shown = "Shown only in healthy volunteers"
            elif dirs == {"in_vitro"}:
                shown = "Shown only in lab experiments"
            else:
                shown = "Shown only in animal, lab or healthy-volunteer studies"
            return (f"{shown}; no studies in {people}. Say \u201cin animal or lab studies \u2026\u201d and that this has not been "
                    "shown in people, or leave it out.")
        if len(opp) and not len(sup):
            return (f"The few studies ({_unit_phrase(opp.iloc[0], population)}) found little or no effect: avoid the claim, "
                    "or say \u201cthere is little evidence that \u2026\u201d.")
        lead = sup.iloc[0] if len(sup) else units.iloc[0]
        if str(lead["directness"]) != "direct":
            return (f"The evidence is indirect ({_unit_phrase(lead, population)}) and of {str(lead['certainty']).replace('_', ' ')} "
                    f"certainty: hedge it (\u201cstudies in related conditions suggest \u2026\u201d) and don't present it as established.")
        return (f"Only small or low-quality studies ({_unit_phrase(lead, population)}): hedge it (\u201ca few small studies "
                "suggest \u2026\u201d).")
    if verdict == "mixed":
        pro = _phrases(pd.concat([sup, mix]).head(3), population) or "some studies"
        con = _phrases(pd.concat([opp, mix]).head(3), population) or "others"
        return (f"Studies disagree: {pro} in favour; {con} against or inconclusive. Say \u201cthe evidence is mixed\u201d "
                "and give both sides, not a firm statement.")
    lead = sup[~pre[sup.index]] if len(sup) and (~pre[sup.index]).any() else sup
    summary = _phrases(lead.head(3), population) or "the studies"
    against = ""
    if len(opp):
        guideline = opp["design"].astype(str).eq("guideline")
        against = ("; guidelines disagree" if guideline.sum() > 1 else "; a guideline disagrees" if guideline.any()
                   else f"; {_plural(str(opp.iloc[0]['design']), len(opp))} found no effect")
    if verdict == "supported":
        cert = str(lead.iloc[0]["certainty"]).replace("_", " ") if len(lead) else ""
        return (f"Supported by {summary} ({cert} certainty){against}. You can state it with a citation; "
                "\u201cstudies show\u201d is fair, \u201cproven\u201d or \u201ccures\u201d is not.")
    plural = " and " in summary or summary[0].isdigit()
    return (f"{summary[0].upper() + summary[1:]} support{'' if plural else 's'} it{against}. "
            "Say \u201csome evidence suggests \u2026\u201d or \u201cmay help\u201d, not \u201cproven\u201d.")


def _phrases(units: pd.DataFrame, population: str) -> str:
    """``an RCT in adults with sciatica (over sham) and 2 meta-analyses ...``: like units counted together."""
    counts: dict[tuple, int] = {}
    for _, r in units.iterrows():
        key = (str(r["design"]), _where(r, population), COMPARATOR_PHRASE.get(_text(r.get("comparator")), "")
               if str(r["stance"]) == "supports" else "")
        counts[key] = counts.get(key, 0) + int(r["members"])
    parts = []
    for (design, where, comp), n in counts.items():
        text = f"{_plural(design, n)} {where}".strip()
        parts.append(f"{text} ({comp})" if comp else text)
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


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

    def to_dict(self) -> dict:
        return {"claim_id": self.claim_id, "statement": self.statement, "score": self.score, "verdict": self.verdict,
                "certainty": self.certainty, "reason": self.reason, "wording": self.wording, "matched_text": self.matched_text,
                "citations": self.citations}


@dataclass
class DraftSentence:
    sentence: Sentence
    matches: list[ClaimReport]
    cue: str = ""
    """The claim-like word that flags an untracked sentence ("" when matched or not claim-like)."""


@dataclass
class DraftReport:
    """Every sentence of a draft with its matches, plus the untracked claim-like sentences."""

    text: str
    name: str
    sentences: list[DraftSentence]

    @property
    def matched(self) -> list[DraftSentence]:
        return [s for s in self.sentences if s.matches]

    @property
    def untracked(self) -> list[DraftSentence]:
        return [s for s in self.sentences if not s.matches and s.cue]

    @property
    def blocking(self) -> list[DraftSentence]:
        return [s for s in self.matched if s.matches[0].verdict in BLOCKING_VERDICTS]

    @property
    def exit_code(self) -> int:
        return EXIT_BLOCKING if self.blocking else 0

    def to_dict(self) -> dict:
        return {
            "file": self.name, "sentences": len(self.sentences),
            "matches": [{"line": s.sentence.line, "start": s.sentence.start, "end": s.sentence.end, "sentence": s.sentence.text,
                         "claims": [m.to_dict() for m in s.matches]} for s in self.matched],
            "untracked": [{"line": s.sentence.line, "start": s.sentence.start, "end": s.sentence.end, "sentence": s.sentence.text,
                           "cue": s.cue} for s in self.untracked],
            "blocking": [{"line": s.sentence.line, "claim_id": s.matches[0].claim_id, "verdict": s.matches[0].verdict}
                         for s in self.blocking],
            "exit_code": self.exit_code,
        }


class Checker:
    """Match sentences against a ledger and report verdicts, evidence and careful wording.

    Parameters
    ----------
    ledger : a loaded :class:`~claimledger.ledger.Ledger`.
    semantic : blend in sentence-embedding similarity (needs the optional model; see
        :class:`~claimledger.match.SemanticIndex`).
    threshold : lowest score reported as a match (default: the index's own).

    Examples
    --------
    >>> checker = Checker(claimledger.load("."))  # doctest: +SKIP
    >>> checker.check_sentence("Acupuncture helps nerves regrow")[0].claim_id  # doctest: +SKIP
    'sciatic-nerve-regeneration'
    """

    def __init__(self, ledger, semantic: bool = False, threshold: float | None = None):
        self.ledger = ledger
        self.index = ClaimIndex.from_ledger(ledger)
        if semantic:
            from .match import SEMANTIC_THRESHOLD, SemanticIndex
            self.index = SemanticIndex(self.index)
            self.threshold = SEMANTIC_THRESHOLD if threshold is None else threshold
        else:
            self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self.grades = ledger.grades().set_index("claim_id", drop=False)
        self.claims = ledger.claims.set_index(ledger.claims["claim_id"].astype(str), drop=False)
        cit = ledger.citations.set_index(ledger.citations["citation_id"].astype(str), drop=False)
        self.citations = cit
        links = ledger.links.merge(ledger.citations[["citation_id", "design", "year", "evidence_body", "retracted", "title"]],
                                   on="citation_id", how="left")
        usable = ~links["retracted"].fillna(False).astype(bool) & (links["stance"].astype(str) != "not_addressed")
        self.links = {str(k): v for k, v in links[usable].groupby(links[usable]["claim_id"].astype(str), sort=False)}
        self._reports: dict[str, ClaimReport] = {}

    def claim_report(self, claim_id: str, match: Match | None = None) -> ClaimReport:
        """Verdict, reason, best citations and careful wording for one claim."""
        base = self._reports.get(claim_id)
        if base is None:
            g = self.grades.loc[claim_id]
            verdict = str(g["verdict"])
            cits = []
            for cid in list(g["citations"])[:3]:
                if cid in self.citations.index:
                    row = self.citations.loc[cid]
                    cits.append({"citation_id": cid, "text": format_citation(row), "link": citation_link(row)})
            wording = careful_wording(verdict, self.claims.loc[claim_id], self.links.get(claim_id, pd.DataFrame()))
            base = ClaimReport(claim_id, str(g["statement"]), 0.0, "", verdict, str(g["certainty"]), str(g["reason"]), wording, cits)
            self._reports[claim_id] = base
        if match is None:
            return base
        return ClaimReport(**{**base.__dict__, "score": match.score, "matched_text": match.text})

    def check_sentences(self, texts: list[str], top: int = 3) -> list[list[ClaimReport]]:
        found = self.index.search_many(texts, top=top, threshold=self.threshold)
        # Runners-up far below the best match are noise, not a second claim the sentence makes.
        return [[self.claim_report(m.claim_id, m) for m in ms if m.score >= RELATIVE_CUTOFF * ms[0].score] for ms in found]

    def check_sentence(self, text: str, top: int = 3) -> list[ClaimReport]:
        """The claims a sentence makes, best first; ``[]`` when none matches well enough."""
        return self.check_sentences([text], top)[0]

    def check_draft(self, text: str, name: str = "draft", top: int = 3) -> DraftReport:
        """Check every sentence of a Markdown or plain-text draft."""
        # Headings label a section; they are not claims a reader takes away.
        sentences = [s for s in split_sentences(text) if s.kind != "heading"]
        found = self.check_sentences([s.text for s in sentences], top)
        out = []
        for s, matches in zip(sentences, found):
            cue = ""
            if not matches:
                m = CLAIM_CUES.search(s.text)
                cue = m.group(0) if m and len(self.index.analyzer.terms(s.text)) >= MIN_TERMS else ""
            out.append(DraftSentence(s, matches, cue))
        return DraftReport(text, name, out)


# ---- rendering -------------------------------------------------------------------------------------------------

def _claim_lines(r: ClaimReport, prefix: str = "   ") -> list[str]:
    cert = f", {r.certainty.replace('_', ' ')} certainty" if r.certainty else ""
    lines = [f"{prefix}Claim:    {r.statement}",
             f"{prefix}Verdict:  {r.verdict}{cert}",
             f"{prefix}Why:      {r.reason}"]
    if r.citations:
        lines.append(f"{prefix}Evidence:")
        lines += [f"{prefix}  - {c['text']}" for c in r.citations]
    lines.append(f"{prefix}Say instead: {r.wording}")
    return lines


def sentence_text(query: str, reports: list[ClaimReport]) -> str:
    """The terminal report for ``claimledger check "SENTENCE"``."""
    if not reports:
        return (f"No ledger claim matches \u201c{query}\u201d closely enough.\n"
                "If it is a health claim, ask a researcher to add it to the ledger (claims.csv).\n")
    lines = [f"\u201c{query}\u201d matches {len(reports)} ledger claim{'s' if len(reports) > 1 else ''}:", ""]
    for i, r in enumerate(reports, 1):
        lines.append(f"{i}. {r.claim_id} (match score {r.score:.2f})")
        lines += _claim_lines(r)
        lines.append("")
    return "\n".join(lines)


def sentence_json(query: str, reports: list[ClaimReport]) -> str:
    return json.dumps({"query": query, "matches": [r.to_dict() for r in reports]}, indent=2, ensure_ascii=False) + "\n"


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "\u2026"


def draft_text(report: DraftReport) -> str:
    """The terminal summary for ``claimledger check --file DRAFT``."""
    m, u, b = report.matched, report.untracked, report.blocking
    head = (f"{report.name}: {len(report.sentences)} sentences; {len(m)} match ledger claims; "
            f"{len(u)} read like health claims the ledger does not track.")
    lines = [head, ""]
    if m:
        lines.append("Sentences that make ledger claims:")
        for s in m:
            r = s.matches[0]
            cert = f", {r.certainty.replace('_', ' ')} certainty" if r.certainty else ""
            lines.append(f"  line {s.sentence.line}: \u201c{_short(s.sentence.text)}\u201d")
            lines.append(f"    {r.claim_id}: {r.verdict}{cert} (match score {r.score:.2f})")
            if r.citations:
                lines.append(f"    best evidence: {r.citations[0]['text']}")
            lines.append(f"    say instead: {r.wording}")
        lines.append("")
    if u:
        lines.append("Claim-like sentences not in the ledger (ask a researcher to add them):")
        lines += [f"  line {s.sentence.line}: \u201c{_short(s.sentence.text)}\u201d (\u201c{s.cue}\u201d)" for s in u]
        lines.append("")
    if b:
        where = ", ".join(str(s.sentence.line) for s in b)
        lines.append(f"{len(b)} sentence{'s' if len(b) > 1 else ''} make{'' if len(b) > 1 else 's'} claims graded "
                     f"{' or '.join(BLOCKING_VERDICTS)} (line{'s' if len(b) > 1 else ''} {where}): rewrite or remove them.")
    else:
        lines.append(f"No sentence makes a claim graded {' or '.join(BLOCKING_VERDICTS)}.")
    return "\n".join(lines) + "\n"


def draft_json(report: DraftReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


_CSS = """
body{font:16px/1.6 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
main{max-width:860px;margin:0 auto;padding:24px}
h1{font-size:1.4em;margin:.2em 0}
.summary{color:#57606a}
.legend span{display:inline-block;margin:2px 8px 2px 0;padding:0 6px;border-radius:4px;font-size:.85em}
.draft{white-space:pre-wrap;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:20px 24px}
details.claim{display:inline}
details.claim>summary{display:inline;cursor:pointer;border-radius:3px;padding:0 2px;list-style:none}
details.claim>summary::-webkit-details-marker{display:none}
details.claim[open]>summary{outline:2px solid currentColor}
.evidence{display:block;white-space:normal;margin:6px 0 10px;padding:10px 14px;border-left:4px solid;background:#f6f8fa;
  font-size:.9em;color:#1f2328}
.evidence p{margin:.3em 0}.evidence ul{margin:.3em 0;padding-left:1.2em}
.untracked{background:#ddf4ff;border-bottom:2px dotted #0969da}
.verdict{font-weight:600}
"""


def _tint(colour: str) -> str:
    return colour + "26"  # the same hue at ~15% opacity (8-digit hex)


def _evidence_html(reports: list[ClaimReport]) -> str:
    e = html.escape
    parts = []
    for r in reports:
        colour = VERDICT_COLOURS.get(r.verdict, "#57606a")
        cert = f", {e(r.certainty.replace('_', ' '))} certainty" if r.certainty else ""
        cits = "".join(
            f'<li>{e(c["text"].replace(c["link"], "").strip())} '
            + (f'<a href="{e(c["link"], quote=True)}">{e(c["link"])}</a>' if c["link"] else "") + "</li>"
            for c in r.citations)
        parts.append(
            f'<div class="evidence" style="border-color:{colour}">'
            f'<p><b>{e(r.claim_id)}</b>: {e(r.statement)}</p>'
            f'<p><span class="verdict" style="color:{colour}">{e(VERDICT_LABELS.get(r.verdict, r.verdict))}</span>{cert} '
            f'(match score {r.score:.2f})</p>'
            f'<p>{e(r.reason)}</p>'
            + (f"<p>Evidence:</p><ul>{cits}</ul>" if cits else "")
            + f'<p><b>Say instead:</b> {e(r.wording)}</p></div>')
    return "".join(parts)


def draft_html(report: DraftReport) -> str:
    """The draft as a self-contained HTML page: matched sentences highlighted by verdict, expanding to the evidence.

    All draft and ledger text is escaped with :func:`html.escape`; the page has no scripts and loads nothing.
    """
    e = html.escape
    text = report.text
    pieces, pos = [], 0
    for s in report.sentences:
        if not (s.matches or s.cue):
            continue
        pieces.append(e(text[pos:s.sentence.start]))
        body = e(text[s.sentence.start:s.sentence.end])
        if s.matches:
            v = s.matches[0].verdict
            colour = VERDICT_COLOURS.get(v, "#57606a")
            pieces.append(f'<details class="claim v-{e(v)}"><summary style="background:{_tint(colour)};color:{colour}" '
                          f'title="{e(VERDICT_LABELS.get(v, v), quote=True)}">{body}</summary>{_evidence_html(s.matches)}</details>')
        else:
            pieces.append(f'<span class="untracked" title="{e("not in the ledger: a claim-like sentence (" + s.cue + ")", quote=True)}">'
                          f"{body}</span>")
        pos = s.sentence.end
    pieces.append(e(text[pos:]))
    legend = "".join(f'<span style="background:{_tint(c)};color:{c}">{e(VERDICT_LABELS[v])}</span>'
                     for v, c in VERDICT_COLOURS.items() if v in VERDICTS)
    legend += '<span class="untracked">not in the ledger</span>'
    b = report.blocking
    status = (f"{len(b)} sentence(s) make claims graded contradicted or no evidence found: rewrite or remove them."
              if b else "No sentence makes a claim graded contradicted or no evidence found.")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{e(report.name)}: claim check</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{e(report.name)}</h1>"
        f'<p class="summary">{len(report.sentences)} sentences; {len(report.matched)} match ledger claims; '
        f"{len(report.untracked)} read like untracked health claims. {e(status)} Click a highlighted sentence for its evidence.</p>"
        f'<p class="legend">{legend}</p>'
        f'<div class="draft">{"".join(pieces)}</div></main></body></html>\n'
    )


def read_draft(path: str | Path) -> str:
    """A draft's text (UTF-8, a BOM tolerated)."""
    from .problems import EvidenceError
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EvidenceError(f"{path}: no such file. Fix: give the path of a Markdown or plain-text draft.") from None
    except UnicodeDecodeError as err:
        raise EvidenceError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}). Fix: save the draft as UTF-8.") from err
