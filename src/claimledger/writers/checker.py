"""Checking a writer's sentence or draft against the ledger: the claims it makes, their verdicts, evidence and careful wording.

:class:`Checker` holds a loaded ledger, its grades and a claim index
(:mod:`.match`). :meth:`Checker.check_sentence` finds the claims a sentence
makes; :meth:`Checker.check_draft` does it for every sentence of a Markdown or
plain-text draft and also lists sentences that read like health claims the
ledger does not track yet. The results are data (:class:`ClaimReport`,
:class:`DraftReport`); :mod:`claimledger.render.checks` turns them into text,
JSON and HTML.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..grading.verdicts import BLOCKING
from ..problems import EvidenceError
from .match import DEFAULT_THRESHOLD, MIN_TERMS, ClaimIndex, Match
from .reports import ClaimReport, ClaimReports
from .sentences import CLAIM_CUES, Sentence, split_sentences

EXIT_BLOCKING = 2
"""Exit code of ``claimledger check --file`` when the draft makes a claim with a blocking verdict."""
RELATIVE_CUTOFF = 0.5
"""A runner-up match is shown only when it scores at least this fraction of the best match."""


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
        return [s for s in self.matched if s.matches[0].verdict in BLOCKING]

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

    def __init__(self, ledger, semantic: bool = False, threshold: float | None = None, reports: ClaimReports | None = None):
        self.ledger = ledger
        self.reports = reports or ClaimReports(ledger)
        self.grades = self.reports.grades
        self.index = ClaimIndex.from_ledger(ledger)
        if semantic:
            from .match import SEMANTIC_THRESHOLD, SemanticIndex  # optional model: imported only when asked for
            self.index = SemanticIndex(self.index)
            self.threshold = SEMANTIC_THRESHOLD if threshold is None else threshold
        else:
            self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold

    def claim_report(self, claim_id: str, match: Match | None = None) -> ClaimReport:
        """Verdict, reason, best citations and careful wording for one claim (with the match, when given)."""
        base = self.reports.report(claim_id)
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


def read_draft(path: str | Path) -> str:
    """A draft's text (UTF-8, a BOM tolerated)."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EvidenceError(f"{path}: no such file. Fix: give the path of a Markdown or plain-text draft.") from None
    except UnicodeDecodeError as err:
        raise EvidenceError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}). Fix: save the draft as UTF-8.") from err
