"""Checking a writer's sentence or draft against the ledger: every claim each sentence makes, its verdict, evidence and wording.

:class:`Checker` holds a loaded ledger, its claim reports (:mod:`.reports`) and a
claim index (:mod:`.match`). A sentence is matched as a whole and clause by
clause (:func:`~claimledger.writers.sentences.clause_spans`), so a sentence that
makes two claims reports both; an answer that follows a question is matched with
the question as context. Each ledger claim found is either

* **made** by the sentence (a confident match): reported with its verdict; or
* **possibly related** (a weaker match): named, never with a verdict, because it
  is not what the sentence says.

A sentence that reads like a health claim but makes no ledger claim is **not in
the ledger**: no verdict, and the next step is to search for evidence
(``claimledger search``). The results are data (:class:`SentenceCheck`,
:class:`DraftReport`); :mod:`claimledger.render.checks` shows them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..grading.verdicts import BLOCKING
from ..problems import EvidenceError
from .match import Candidate, ClaimIndex, Match, main_subject
from .reports import ClaimReport, ClaimReports
from .sentences import CLAIM_CUES, Sentence, clause_spans, split_sentences

CONFIDENT = 0.3
"""Lowest score (cosine similarity, 0-1) at which a sentence is taken to make a claim (tuned on tests/data/writers/dev)."""
COVERAGE = 0.4
"""...and the share of the claim's wording (statement, quote or alias) the sentence must cover..."""
EXPLAINED = 0.2
"""...and the share of the sentence (or clause) that wording must explain: a text that mostly says something
else ("endorphins are 200 times stronger than morphine") is not making the claim it shares a word with."""
SINGLE_TOPIC_EXPLAINED = 0.5
"""A text sharing only one topical word with a claim's wording must be mostly explained by it."""
POSSIBLE = 0.2
"""Lowest score at which a claim is shown as possibly related (without its verdict)."""
RELATIVE_CUTOFF = 0.8
"""In the whole sentence, a second claim counts only when it scores at least this fraction of the best one
(each clause contributes its own best claim)."""
EXIT_OK, EXIT_BLOCKING, EXIT_USAGE = 0, 1, 2
"""``claimledger check`` exit codes: nothing to fix; a claim graded contradicted or no evidence found; bad usage."""


@dataclass
class SentenceCheck:
    """One sentence and what it claims."""

    sentence: Sentence
    claims: list[ClaimReport] = field(default_factory=list)
    """Ledger claims the sentence makes, best first, with verdicts."""
    related: list[ClaimReport] = field(default_factory=list)
    """Ledger claims it is possibly related to (weaker matches): never shown with a verdict."""
    cue: str = ""
    """The claim-like word of a sentence that makes no ledger claim ("" when it makes one or is not claim-like)."""

    @property
    def untracked(self) -> bool:
        """A health claim the ledger does not track."""
        return not self.claims and bool(self.cue)

    @property
    def blocking(self) -> list[ClaimReport]:
        return [c for c in self.claims if c.verdict in BLOCKING]

    def to_dict(self) -> dict:
        s = self.sentence
        return {"line": s.line, "start": s.start, "end": s.end, "sentence": s.text, "claims": [c.to_dict() for c in self.claims],
                "possibly_related": [c.related_dict() for c in self.related], "not_in_ledger": self.untracked, "cue": self.cue}


@dataclass
class DraftReport:
    """Every checked sentence of a draft (headings are labels, not claims, and are left out)."""

    text: str
    name: str
    sentences: list[SentenceCheck]

    @property
    def matched(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if s.claims]

    @property
    def untracked(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if s.untracked]

    @property
    def blocking(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if s.blocking]

    @property
    def exit_code(self) -> int:
        return EXIT_BLOCKING if self.blocking else EXIT_OK

    def to_dict(self) -> dict:
        return {"file": self.name, "sentences": len(self.sentences),
                "checked": [s.to_dict() for s in self.sentences if s.claims or s.related or s.cue],
                "blocking": [{"line": s.sentence.line, "claim_id": c.claim_id, "verdict": c.verdict} for s in self.blocking for c in s.blocking],
                "exit_code": self.exit_code}


def _is_question(text: str) -> bool:
    """A sentence that asks (Markdown emphasis around it ignored): the next sentence answers it."""
    return text.rstrip().rstrip("*_").rstrip().endswith("?")


_PRONOUN = re.compile(r"\b(it|its|it's|they|them|this|these|the treatment|the needles|each session|every session)\b", re.IGNORECASE)


def _segments(text: str, context: str | None, subject: str = "") -> list[tuple[int, int, str]]:
    """What to match for one sentence: the whole, each clause, each pair of neighbouring clauses, and the whole
    after its question (for an answer). Each is ``(start, end, text to match)``; offsets are into ``text``.

    A clause or a sentence that refers to the subject by a pronoun ("it stops the pain") is matched with the
    ledger's subject (e.g. acupuncture) named."""
    def named(piece: str) -> str:
        return f"{subject} {piece}" if subject and subject.lower() not in piece.lower() and _PRONOUN.search(piece) else piece

    def subjectless(piece: str) -> str:  # "... and releases endorphins": the clause's verb has the sentence's subject
        return f"{subject} {piece}" if subject and CLAIM_CUES.match(piece.lstrip()) else named(piece)

    out = [(0, len(text), named(text))]
    clauses = clause_spans(text)
    if len(clauses) > 1:
        out += [(a, b, named(text[a:b]) if k == 0 else subjectless(text[a:b])) for k, (a, b) in enumerate(clauses)]
        out += [(clauses[i][0], clauses[i + 1][1], named(text[clauses[i][0]:clauses[i + 1][1]])) for i in range(len(clauses) - 1)]
    if context:
        out.append((0, len(text), named(f"{context} {text}")))
    return out


def _fits(c: Candidate) -> bool:
    """Whether a candidate is confident enough to be the claim the text makes (thresholds tuned on the dev set)."""
    return (c.makes and c.match.score >= CONFIDENT and c.coverage >= COVERAGE and c.explained >= EXPLAINED
            and (c.topical >= 2 or c.explained >= SINGLE_TOPIC_EXPLAINED))


class Checker:
    """Match sentences against a ledger and report the claims they make, with verdicts, evidence and careful wording.

    Parameters
    ----------
    ledger : a loaded :class:`~claimledger.ledger.Ledger`.
    semantic : blend in sentence-embedding similarity (needs the optional model; see
        :class:`~claimledger.writers.match.SemanticIndex`).
    reports : the ledger's :class:`ClaimReports`, when already built.

    Examples
    --------
    >>> checker = Checker(claimledger.load("."))  # doctest: +SKIP
    >>> [c.claim_id for c in checker.check_sentence("Acupuncture helps nerves regrow").claims]  # doctest: +SKIP
    ['sciatic-nerve-regeneration']
    """

    def __init__(self, ledger, semantic: bool = False, reports: ClaimReports | None = None, index: ClaimIndex | None = None,
                 subject: str | None = None):
        self.ledger = ledger
        self.reports = reports or ClaimReports(ledger)
        self.index = index or ClaimIndex.from_ledger(ledger)
        self.subject = main_subject(ledger) if subject is None else subject
        if semantic:
            from .match import SemanticIndex  # optional model: imported only when asked for
            self.index = SemanticIndex(self.index)

    def claim_report(self, claim_id: str, match: Match | None = None, start: int = 0, end: int = 0) -> ClaimReport:
        """Verdict, reason, best citations and careful wording for one claim (with the match, when given)."""
        base = self.reports.report(claim_id)
        if match is None:
            return base
        return replace(base, score=match.score, matched_text=match.text, start=start, end=end)

    def _match(self, text: str, context: str | None, top: int) -> tuple[list[tuple], list[tuple]]:
        """Claims made and claims possibly related: ``(match, start, end)`` each, best first."""
        made: dict[str, tuple] = {}
        near: dict[str, tuple] = {}
        for k, (a, b, segment) in enumerate(_segments(text, context, self.subject)):
            found = self.index.candidates_with_coverage(segment, POSSIBLE, 5)
            best = found[0].match.score if found else 0.0
            for j, cand in enumerate(found):
                m = cand.match
                confident = (_fits(cand) and (j == 0 or (k == 0 and m.score >= RELATIVE_CUTOFF * best)))
                pool = made if confident else near
                if m.claim_id not in pool or pool[m.claim_id][0].score < m.score:
                    pool[m.claim_id] = (m, a, b)
        # The claim the whole sentence is about comes first, then claims made by one clause only.
        order = lambda d: sorted(d.values(), key=lambda x: (x[1:] != (0, len(text)), -x[0].score))
        made_list = order(made)[:top]
        chosen = {m.claim_id for m, _, _ in made_list}
        return made_list, [x for x in order(near) if x[0].claim_id not in chosen][:3]

    def check_text(self, sentence: Sentence, context: str | None = None, top: int = 5) -> SentenceCheck:
        """The claims one located sentence makes (offsets of the reports are into the sentence's source text)."""
        if top <= 0:
            return SentenceCheck(sentence)
        made, near = self._match(sentence.text, context, top)
        base = sentence.start
        claims = [self.claim_report(m.claim_id, m, base + a, base + b) for m, a, b in made]
        related = [self.claim_report(m.claim_id, m, base + a, base + b) for m, a, b in near]
        cue = ""
        if not claims:
            hit = CLAIM_CUES.search(sentence.text)
            cue = hit.group(0) if hit else ""
        return SentenceCheck(sentence, claims, related, cue)

    def check_texts(self, texts: list[str], top: int = 5) -> list[SentenceCheck]:
        """Check each text as one sentence."""
        return [self.check_text(Sentence(0, len(t), t, 1), None, top) for t in texts]

    def check_sentence(self, text: str, top: int = 5) -> SentenceCheck:
        """The claims one sentence makes (several, when it makes several), and claims it is possibly related to."""
        return self.check_texts([text], top)[0]

    def check_draft(self, text: str, name: str = "draft", top: int = 5) -> DraftReport:
        """Check every sentence of a Markdown or plain-text draft. An answer is matched with the question before it,
        and a list item with the line that introduces the list ("What patients notice:")."""
        checked, question, lead = [], None, None
        for s in split_sentences(text):
            if s.kind == "heading":  # headings label a section; they are not claims a reader takes away
                question = s.text if _is_question(s.text) else None
                continue
            context = question or (lead if s.kind == "item" else None)
            checked.append(self.check_text(s, context, top))
            question = s.text if _is_question(s.text) else None
            if s.kind != "item":
                lead = s.text if s.text.rstrip().endswith(":") else None
        return DraftReport(text, name, checked)


def read_draft(path: str | Path) -> str:
    """A draft's text (UTF-8, a BOM tolerated)."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EvidenceError(f"{path}: no such file. Fix: give the path of a Markdown or plain-text draft.") from None
    except IsADirectoryError:
        raise EvidenceError(f"{path} is a folder. Fix: give the path of a Markdown or plain-text draft.") from None
    except UnicodeDecodeError as err:
        raise EvidenceError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}). Fix: save the draft as UTF-8.") from err
