"""Growing the ledger from new documents: register a document, extract candidate mentions, merge a reviewed file.

The workflow (docs/writers.md):

1. ``claimledger add-document FILE`` copies the text into ``documents/`` and
   registers it in ``evidence/documents.csv`` with its SHA-256;
2. ``claimledger extract FILE --document-id ID`` splits the text into
   sentences, matches each against the ledger's claims (:mod:`claimledger.match`)
   and writes a review CSV: one candidate mention per row, with its offsets,
   the best matching claim (or ``new``) and an empty ``accept`` column;
3. a researcher fills in ``accept`` (``yes``), corrects ``claim_id`` where
   needed (adding new claims to ``claims.csv`` first) and may shorten a quote
   (then ``start``/``end`` too);
4. ``claimledger merge-review FILE`` checks every accepted row and, only if
   all are right, appends them to ``evidence/mentions.csv``.

Ledger files are written atomically; existing rows are kept byte for byte and
new rows appended, so git diffs show only the additions.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .files import csv_text, spreadsheet_safe, write_atomic
from .load import read_table
from .match import ClaimIndex, split_sentences
from .problems import EvidenceError, Problem, Report
from .schema import read_schema

REVIEW_COLUMNS = ["accept", "document_id", "start", "end", "quote", "claim_id", "score", "matched_statement", "alternatives", "note"]
"""Columns of the review CSV; a researcher edits accept, claim_id and (with start/end) quote."""
ACCEPT_YES = {"yes", "y", "true", "1", "x", "accept", "ok"}
ACCEPT_NO = {"", "no", "n", "false", "0", "reject", "skip"}
NEW_CLAIM = "new"


def _cue_pattern():
    from .check import CLAIM_CUES
    return CLAIM_CUES


def next_ids(existing: list[str], n: int, default: str = "m0001") -> list[str]:
    """``n`` new ids continuing the sequence of ``existing`` (``m0135`` -> ``m0136``; ``004`` -> ``005``).

    The prefix and zero-padding follow the last id that ends in digits; ids already used are skipped.

    Examples
    --------
    >>> next_ids(["m0001", "m0002"], 2)
    ['m0003', 'm0004']
    >>> next_ids(["d1", "d2"], 1), next_ids([], 1, default="001")
    (['d3'], ['001'])
    """
    used = set(existing)
    numbered = [re.fullmatch(r"(.*?)(\d+)", i) for i in existing]
    numbered = [m for m in numbered if m]
    if numbered:
        prefix, digits = numbered[-1].group(1), numbered[-1].group(2)
        width = len(digits) if digits.startswith("0") or all(len(m.group(2)) == len(digits) for m in numbered if m.group(1) == prefix) else 1
        top = max(int(m.group(2)) for m in numbered if m.group(1) == prefix)
    else:
        m = re.fullmatch(r"(.*?)(\d+)", default)
        prefix, width, top = m.group(1), len(m.group(2)), int(m.group(2)) - 1
    out = []
    k = top
    while len(out) < n:
        k += 1
        candidate = f"{prefix}{str(k).zfill(width)}"
        if candidate not in used:
            out.append(candidate)
            used.add(candidate)
    return out


def _raw(root: Path, name: str):
    schema = read_schema(root)
    table = schema.table(name)
    raw = read_table(root, table)
    if raw.frame is None:
        detail = "\n".join(p.format() for p in raw.problems)
        raise EvidenceError(f"{table.path} cannot be read, so nothing was changed:\n{detail}")
    return table, raw


def _append_rows(path: Path, header_fields: list[str], rows: list[dict]) -> None:
    """Append rows to a ledger CSV, keeping every existing byte (and the file's line ending and column order)."""
    original = path.read_bytes() if path.exists() else b""
    text = original.decode("utf-8-sig") if original else ""
    first = text.split("\n", 1)[0]
    newline = "\r\n" if first.endswith("\r") else "\n"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    if text.strip():
        header = next(csv.reader([first.rstrip("\r")]))
        prefix = original if original.endswith(b"\n") else original + newline.encode()
    else:
        header, prefix = header_fields, b""
        w.writerow(header)
    for r in rows:
        w.writerow(["" if r.get(c) is None else str(r.get(c)) for c in header])
    write_atomic(path, prefix + buf.getvalue().encode("utf-8"))


# ---- add-document ----------------------------------------------------------------------------------------------

@dataclass
class AddedDocument:
    document_id: str
    file: str
    """Path relative to the ledger root, e.g. ``documents/005_1a2b3c4d5e6f7a8b.txt``."""
    sha256: str


def add_document(root: str | Path, source: str | Path, document_id: str | None = None, title: str = "", site: str = "",
                 author: str = "", date: str = "") -> AddedDocument:
    """Copy a UTF-8 text into ``documents/`` and register it in ``evidence/documents.csv``.

    The bytes are copied unchanged (documents are never edited). The new row
    gets the next document id unless ``document_id`` is given.

    Raises
    ------
    EvidenceError
        when the file is missing or not UTF-8, the id is malformed or taken, or
        the same text is registered already. Nothing is written then.

    Examples
    --------
    >>> add_document(".", "downloads/article.txt", title="Needles for sciatica")  # doctest: +SKIP
    AddedDocument(document_id='005', file='documents/005_3f2a....txt', sha256='3f2a...')
    """
    root = Path(root)
    source = Path(source)
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise EvidenceError(f"{source}: no such file. Fix: give the path of the document's text.") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise EvidenceError(f"{source}: not UTF-8 text (byte 0x{data[err.start]:02X} at {err.start}). "
                            "Fix: save the document as UTF-8 text first; quotes and offsets are read as UTF-8.") from err
    table, raw = _raw(root, "documents")
    frame = raw.frame
    digest = hashlib.sha256(data).hexdigest()
    same = frame[frame["sha256"] == digest]
    if len(same):
        raise EvidenceError(f"{source} is registered already as document {same['document_id'].iat[0]} ({same['file'].iat[0]}). "
                            "Fix: use that document_id.")
    ids = frame["document_id"].tolist()
    if document_id is None:
        document_id = next_ids(ids, 1, default="001")[0]
    pattern = table.field("document_id").pattern
    if pattern and not re.fullmatch(pattern, document_id):
        raise EvidenceError(f'"{document_id}" is not a valid document_id. Fix: use letters, digits, dots, hyphens or underscores, '
                            "starting with a letter or digit.")
    if document_id in ids:
        raise EvidenceError(f'document_id "{document_id}" is taken. Fix: choose another, or leave --document-id out to get '
                            f"the next one ({next_ids(ids, 1)[0]}).")
    documents = root / "documents"
    try:
        inside = source.resolve().parent == documents.resolve()
    except OSError:
        inside = False
    if inside:
        rel = f"documents/{source.name}"
        if rel in set(frame["file"]):
            raise EvidenceError(f"{rel} is registered already under another hash: documents are never edited. "
                                "Fix: restore the original text, or add the new version as a new file.")
    else:
        suffix = source.suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", source.suffix or "") else ".txt"
        rel = f"documents/{document_id}_{digest[:16]}{suffix}"
        if (root / rel).exists():
            raise EvidenceError(f"{rel} exists already. Fix: remove it or choose another document_id.")
        write_atomic(root / rel, data)
    row = {"document_id": document_id, "file": rel, "sha256": digest, "title": title, "site": site, "author": author, "date": date}
    try:
        _append_rows(root / table.path, table.field_names, [row])
    except BaseException:
        if not inside:
            (root / rel).unlink(missing_ok=True)
        raise
    return AddedDocument(document_id, rel, digest)


# ---- extract ---------------------------------------------------------------------------------------------------

def extract_candidates(ledger, text: str, document_id: str, index: ClaimIndex | None = None) -> list[dict]:
    """Candidate mentions in ``text``: every sentence that matches a claim or reads like a health claim.

    Each row has the :data:`REVIEW_COLUMNS`; ``claim_id`` is the best match or
    ``new``, ``accept`` is left empty for the researcher.
    """
    index = index or ClaimIndex.from_ledger(ledger)
    sentences = split_sentences(text)
    found = index.search_many([s.text for s in sentences], top=3)
    cues = _cue_pattern()
    m = ledger.mentions
    mine = m[m["document_id"].astype(str) == str(document_id)]
    recorded = list(zip(mine["mention_id"].astype(str), mine["claim_id"].astype(str), mine["start"].astype(int), mine["end"].astype(int)))
    statements = dict(zip(ledger.claims["claim_id"].astype(str), ledger.claims["statement"].astype(str)))
    rows = []
    for s, matches in zip(sentences, found):
        if not matches and not (cues.search(s.text) and len(index.analyzer.terms(s.text)) >= 2):
            continue
        best = matches[0] if matches else None
        claim_id = best.claim_id if best else NEW_CLAIM
        overlap = [mid for mid, cid, a, b in recorded if cid == claim_id and a < s.end and s.start < b]
        rows.append({
            "accept": "", "document_id": document_id, "start": s.start, "end": s.end, "quote": s.text,
            "claim_id": claim_id, "score": f"{best.score:.2f}" if best else "",
            "matched_statement": statements.get(claim_id, "") if best else "",
            "alternatives": "; ".join(f"{x.claim_id} ({x.score:.2f})" for x in matches[1:]),
            "note": f"already recorded as {', '.join(overlap)}" if overlap else ("" if best else "no matching claim: add one to claims.csv first"),
        })
    return rows


def review_csv_text(rows: list[dict]) -> str:
    """The review file: spreadsheet-safe cells (a formula-like quote gets a leading ', which merge-review undoes)."""
    return csv_text(REVIEW_COLUMNS, ([spreadsheet_safe(r.get(c, "")) for c in REVIEW_COLUMNS] for r in rows))


def extract_document(ledger, source: str | Path, document_id: str | None, out: str | Path) -> tuple[Path, list[dict]]:
    """Write the review CSV for one document; returns its path and rows.

    ``document_id`` may be omitted when the file is a registered document.

    Raises
    ------
    EvidenceError
        when the file is missing or not UTF-8, or differs from the registered document of that id.
    """
    source = Path(source)
    try:
        data = source.read_bytes()
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EvidenceError(f"{source}: no such file. Fix: give the path of the document's text.") from None
    except UnicodeDecodeError as err:
        raise EvidenceError(f"{source}: not UTF-8 text. Fix: save it as UTF-8 first.") from err
    digest = hashlib.sha256(data).hexdigest()
    docs = ledger.documents
    registered = docs[docs["sha256"].astype(str) == digest]
    if document_id is None:
        if not len(registered):
            raise EvidenceError(f"{source} is not a registered document, so its document_id is unknown. "
                                "Fix: register it with `claimledger add-document FILE`, then pass --document-id ID.")
        document_id = str(registered["document_id"].iat[0])
    known = docs[docs["document_id"].astype(str) == str(document_id)]
    if len(known) and str(known["sha256"].iat[0]) != digest:
        raise EvidenceError(f"{source} is not the text registered as document {document_id} ({known['file'].iat[0]}); "
                            "offsets would not fit it. Fix: extract from the registered file, or register this text as a new document.")
    rows = extract_candidates(ledger, text, str(document_id))
    out = Path(out)
    write_atomic(out, review_csv_text(rows))
    return out, rows


# ---- merge-review ----------------------------------------------------------------------------------------------

@dataclass
class MergeResult:
    """What merge-review did (or, with errors in ``report``, would have done: then nothing is written)."""

    report: Report = field(default_factory=Report)
    added: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """One line per accepted row that was already in the ledger."""


def merge_review(root: str | Path, review: str | Path, dry_run: bool = False) -> MergeResult:
    """Add the accepted rows of a review CSV to ``evidence/mentions.csv``.

    Every accepted row is checked first: its document is registered, its
    claim exists (``new`` is refused until the claim is in ``claims.csv``), its
    offsets are whole numbers and the document's text at them is the quote.
    Any problem stops the merge: nothing is written and ``report`` says what to
    fix. Rows already in the ledger (same claim, document and offsets) are
    skipped. New mention ids continue the existing sequence.
    """
    root = Path(root)
    review = Path(review)
    result = MergeResult()
    rep = result.report
    name = str(review)
    try:
        text = review.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EvidenceError(f"{review}: no such file. Fix: give the review CSV written by `claimledger extract`.") from None
    except UnicodeDecodeError as err:
        raise EvidenceError(f"{review}: not UTF-8. Fix: save it as CSV UTF-8.") from err
    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n")))
    try:
        header = next(reader)
    except StopIteration:
        raise EvidenceError(f"{review} is empty. Fix: give the review CSV written by `claimledger extract`.") from None
    need = ["accept", "document_id", "start", "end", "quote", "claim_id"]
    missing = [c for c in need if c not in header]
    if missing:
        raise EvidenceError(f"{review} is not a review file: column(s) {', '.join(missing)} missing. "
                            f"Fix: keep the header written by `claimledger extract` ({','.join(REVIEW_COLUMNS)}).")
    col = {c: header.index(c) for c in header}
    _, docs_raw = _raw(root, "documents")
    _, claims_raw = _raw(root, "claims")
    mtable, mentions_raw = _raw(root, "mentions")
    docs = dict(zip(docs_raw.frame["document_id"], docs_raw.frame["file"]))
    claim_ids = set(claims_raw.frame["claim_id"])
    texts: dict[str, str | None] = {}
    existing = set(zip(mentions_raw.frame["claim_id"], mentions_raw.frame["document_id"], mentions_raw.frame["start"], mentions_raw.frame["end"]))
    accepted = []
    rows = []
    prev = reader.line_num
    for rec in reader:
        rows.append((prev + 1, rec))  # the line where the record starts, header = line 1
        prev = reader.line_num
    for line, rec in rows:
        if not any(v.strip() for v in rec):
            continue
        rec = rec + [""] * (len(header) - len(rec))

        def get(c: str, rec=rec) -> str:
            return rec[col[c]].strip() if c in col else ""
        decision = get("accept").lower()
        if decision in ACCEPT_NO:
            continue
        if decision not in ACCEPT_YES:
            rep.add(Problem(name, line, "accept", "unknown-decision", f'"{get("accept")}" is neither yes nor no.',
                            "write yes to add the mention, or leave the cell empty (or no) to skip it.", get("accept")))
            continue
        doc, claim = get("document_id"), get("claim_id")
        ok = True
        if doc not in docs:
            rep.add(Problem(name, line, "document_id", "unregistered-document", f'document "{doc}" is not registered in evidence/documents.csv.',
                            f"register its text first: claimledger add-document FILE --document-id {doc}", doc))
            ok = False
        if claim.lower() in (NEW_CLAIM, ""):
            rep.add(Problem(name, line, "claim_id", "new-claim", 'the claim is "new": it has no row in claims.csv.',
                            "add the claim to claims.csv (claim_id, statement, category, testable), then write its claim_id here.", claim))
            ok = False
        elif claim not in claim_ids:
            close = difflib.get_close_matches(claim, sorted(claim_ids), n=1)
            rep.add(Problem(name, line, "claim_id", "unknown-claim", f'"{claim}" is not a claim_id in claims.csv'
                            + (f' (did you mean "{close[0]}"?)' if close else "") + ".",
                            "correct it, or add the claim to claims.csv first.", claim))
            ok = False
        try:
            start, end = int(get("start")), int(get("end"))
        except ValueError:
            rep.add(Problem(name, line, "start", "bad-offsets", f'offsets "{get("start")}"-"{get("end")}" are not whole numbers.',
                            "write the quote's character offsets in the document (end = start + length of quote).", get("start")))
            continue
        quote = rec[col["quote"]]
        if doc in docs:
            if doc not in texts:
                try:
                    texts[doc] = (root / docs[doc]).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    texts[doc] = None
            doc_text = texts[doc]
            if doc_text is None:
                rep.add(Problem(name, line, "document_id", "missing-document", f"the text of document {doc} ({docs[doc]}) cannot be read.",
                                "restore the file (claimledger validate checks it)."))
                ok = False
            else:
                if quote.startswith("'") and doc_text[start:end] != quote and doc_text[start:end] == quote[1:]:
                    quote = quote[1:]  # undo spreadsheet_safe
                if not quote.strip():
                    rep.add(Problem(name, line, "quote", "blank-required", "the quote is empty.", "copy the quote from the document."))
                    ok = False
                elif not (0 <= start <= end <= len(doc_text)) or doc_text[start:end] != quote:
                    hits = [m.start() for m in re.finditer(re.escape(quote), doc_text)]
                    where = (f" (it occurs at {min(hits, key=lambda h: abs(h - start))}-{min(hits, key=lambda h: abs(h - start)) + len(quote)})"
                             if hits else " (the quote does not occur in the text)")
                    rep.add(Problem(name, line, "quote", "quote-mismatch", f"the text of document {doc} at {start}-{end} is not the quote{where}.",
                                    "copy the quote character for character and set start and end to where it occurs.", quote[:80]))
                    ok = False
        if not ok:
            continue
        key = (claim, doc, str(start), str(end))
        if key in existing:
            result.skipped.append(f"{name}:{line}: {claim} at {doc} {start}-{end} is already in {mtable.path}.")
            continue
        existing.add(key)
        accepted.append({"claim_id": claim, "document_id": doc, "quote": quote, "start": start, "end": end})
    if rep.errors or not accepted:
        return result
    ids = next_ids(mentions_raw.frame["mention_id"].tolist(), len(accepted), default="m0001")
    for mid, row in zip(ids, accepted):
        row["mention_id"] = mid
    result.added = accepted
    if not dry_run:
        _append_rows(root / mtable.path, mtable.field_names, accepted)
    return result
