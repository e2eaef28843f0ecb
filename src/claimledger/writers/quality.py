"""Measuring how well the claim matcher does on labelled text: sentences and whole drafts.

A labelled set is a folder with ``sentences.csv`` (``id, sentence, kind, expected, note``) and drafts
``draft-N.md`` with ``draft-N.expected.csv`` (``excerpt, kind, expected, note``). ``kind`` is ``claim`` (the
text makes the ledger claims in ``expected``), ``untracked`` (a health claim the ledger does not track) or
``offtopic`` (not a claim). ``expected`` lists the claims a text makes, separated by ``;``; alternatives that
are equally fair readings of one claim are joined by ``|``. ``tests/data/writers/dev`` is for tuning;
``tests/data/writers/heldout`` is frozen and only ever scored.

Metrics (:class:`Score`): for claim sentences, the share whose first reported claim is one of the expected
(*right first*), recall (expected claims reported) and precision (reported claims that were expected); for
untracked and off-topic sentences, how many were given a verdict (should be none); for drafts, the share of
expectations met (a claim sentence reports all its expected claims; any other sentence gets no verdict).
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Analyse = Callable[[Sequence[str]], list[list[str]]]
"""Texts -> for each, the claim ids it is reported to make with a verdict, best first."""
AnalyseDraft = Callable[[str], list[tuple[int, int, list[str]]]]
"""A draft -> its sentences as ``(start, end, claim ids reported with a verdict)``."""


def groups(expected: str) -> list[set[str]]:
    """``"a|b;c"`` -> ``[{"a", "b"}, {"c"}]``."""
    return [set(g.split("|")) for g in expected.split(";") if g.strip()]


@dataclass
class Score:
    """The quality figures of one run; ``misses`` names what went wrong (ids or excerpts, never scored text)."""

    claim_sentences: int = 0
    right_first: int = 0
    expected_claims: int = 0
    found_claims: int = 0
    reported_claims: int = 0
    correct_reported: int = 0
    non_claim_sentences: int = 0
    verdicts_on_non_claims: int = 0
    draft_expectations: int = 0
    draft_met: int = 0
    misses: list[str] = field(default_factory=list)

    @staticmethod
    def _rate(a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def right_first_rate(self) -> float:
        return self._rate(self.right_first, self.claim_sentences)

    @property
    def recall(self) -> float:
        return self._rate(self.found_claims, self.expected_claims)

    @property
    def precision(self) -> float:
        return self._rate(self.correct_reported, self.reported_claims)

    @property
    def draft_rate(self) -> float:
        return self._rate(self.draft_met, self.draft_expectations)

    def summary(self) -> str:
        return (f"right claim first {self.right_first}/{self.claim_sentences} ({self.right_first_rate:.0%}); "
                f"recall {self.found_claims}/{self.expected_claims} ({self.recall:.0%}); "
                f"precision {self.correct_reported}/{self.reported_claims} ({self.precision:.0%}); "
                f"verdicts on untracked or off-topic sentences {self.verdicts_on_non_claims}/{self.non_claim_sentences}; "
                f"draft expectations met {self.draft_met}/{self.draft_expectations} ({self.draft_rate:.0%})")


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _judge(score: Score, key: str, kind: str, expected: str, reported: list[str]) -> bool:
    """Count one labelled text; True when it meets its expectation."""
    if kind != "claim":
        score.non_claim_sentences += 1
        if reported:
            score.verdicts_on_non_claims += 1
            score.misses.append(f"{key}: verdict given to a {kind} sentence ({', '.join(reported)})")
        return not reported
    want = groups(expected)
    score.claim_sentences += 1
    if reported and any(reported[0] in g for g in want):
        score.right_first += 1
    found = [g for g in want if g & set(reported)]
    score.expected_claims += len(want)
    score.found_claims += len(found)
    score.reported_claims += len(reported)
    score.correct_reported += sum(any(c in g for g in want) for c in reported)
    met = len(found) == len(want)
    if not met or not reported or not any(reported[0] in g for g in want):
        score.misses.append(f"{key}: expected {expected}, reported {', '.join(reported) or 'nothing'}")
    return met


def score_sentences(rows: list[dict], analyse: Analyse, score: Score | None = None) -> Score:
    """Score single sentences (rows of ``sentences.csv``)."""
    score = score or Score()
    for row, reported in zip(rows, analyse([r["sentence"] for r in rows])):
        _judge(score, row["id"], row["kind"], row["expected"], reported)
    return score


def score_draft(text: str, expectations: list[dict], analyse_draft: AnalyseDraft, name: str, score: Score | None = None) -> Score:
    """Score one draft against its expectations (rows of ``draft-N.expected.csv``)."""
    score = score or Score()
    sentences = analyse_draft(text)
    for n, row in enumerate(expectations, 2):
        at = text.find(row["excerpt"])
        hit = [claims for start, end, claims in sentences if start <= at < end] if at >= 0 else []
        reported = hit[0] if hit else []
        score.draft_expectations += 1
        if at < 0 or not hit:
            score.misses.append(f"{name}:{n}: excerpt not found in any sentence")
            if row["kind"] != "claim":
                score.draft_met += 1
            continue
        if row["kind"] != "claim":
            met = _judge(score, f"{name}:{n}", row["kind"], "", reported)  # counts towards verdicts on non-claims
        else:
            met = _judge(Score(), f"{name}:{n}", row["kind"], row["expected"], reported)
        if met:
            score.draft_met += 1
        else:
            score.misses.append(f"{name}:{n}: expected {row['expected'] or 'no verdict'}, reported {', '.join(reported) or 'nothing'}")
    return score


def score_folder(folder: str | Path, analyse: Analyse, analyse_draft: AnalyseDraft) -> Score:
    """Every sentence and draft of a labelled folder, in one :class:`Score`."""
    folder = Path(folder)
    score = score_sentences(_read(folder / "sentences.csv"), analyse)
    for draft in sorted(folder.glob("draft-*.md")):
        expected = draft.with_name(draft.stem + ".expected.csv")
        score_draft(draft.read_text(encoding="utf-8"), _read(expected), analyse_draft, draft.name, score)
    return score
