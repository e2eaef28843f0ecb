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
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import csv_text, spreadsheet_safe, write_atomic
from ..ledger.edit import append_rows, next_ids, read_raw
from ..ledger.lock import ledger_lock
from ..ledger.paths import OutsideLedger, is_inside
from ..ledger.read import document_text, read_document
from ..ledger.validate import closest_match, compare_quotes
from ..problems import EvidenceError, Problem, Report
from .match import ClaimIndex
from .sentences import CLAIM_CUES, split_sentences

REVIEW_COLUMNS = ["accept", "document_id", "start", "end", "quote", "claim_id", "score", "matched_statement", "alternatives", "note"]
"""Columns of the review CSV; a researcher edits accept, claim_id and (with start/end) quote."""
ACCEPT_YES = {"yes", "y", "true", "1", "x", "accept", "ok"}
ACCEPT_NO = {"", "no", "n", "false", "0", "reject", "skip"}
NEW_CLAIM = "new"


def extract_candidates(ledger, text: str, document_id: str, index: ClaimIndex | None = None) -> list[dict]:
    """Candidate mentions in ``text``: every sentence that matches a claim or reads like a health claim.

    Each row has the :data:`REVIEW_COLUMNS`; ``claim_id`` is the best match or
    ``new``, ``accept`` is left empty for the researcher.
    """
    index = index or ClaimIndex.from_ledger(ledger)
    sentences = split_sentences(text)
    found = index.search_many([s.text for s in sentences], top=3)
    cues = CLAIM_CUES
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
    _refuse_link_out(Path(ledger.root), source)
    try:
        data = source.read_bytes()
        text = document_text(data)
    except FileNotFoundError:
        raise EvidenceError(f"{source}: no such file. Fix: give the path of the document's text.") from None
    except OSError as err:
        raise EvidenceError(f"{source}: cannot be read ({err.strerror or err}). Fix: give a readable text file.") from None
    except UnicodeDecodeError as err:
        raise EvidenceError(f"{source}: not UTF-8 text (byte 0x{data[err.start]:02X} at {err.start}). Fix: save it as UTF-8 first.") from None
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


def _refuse_link_out(root: Path, source: Path) -> None:
    """A file given inside the ledger folder must stay inside it once symlinks are followed (``outside-ledger``)."""
    try:
        rel = Path(os.path.abspath(source)).relative_to(Path(os.path.abspath(root)))
    except ValueError:
        return  # a file elsewhere, named by the user on the command line
    if not is_inside(root, rel):
        raise EvidenceError(f"{source} is inside the ledger folder but leads outside it (a symbolic link): it was not read. "
                            "Fix: copy the document's text into documents/ instead of linking to it.")


# ---- merge-review ----------------------------------------------------------------------------------------------

@dataclass
class MergeResult:
    """What merge-review did (or, with errors in ``report``, would have done: then nothing is written)."""

    report: Report = field(default_factory=Report)
    added: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """One line per accepted row that was already in the ledger."""


def _read_review(review: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the records of a review CSV, each with the editor line where it starts (header = line 1)."""
    try:
        text = review.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise EvidenceError(f"{review}: no such file. Fix: give the review CSV written by `claimledger extract`.") from None
    except OSError as err:
        raise EvidenceError(f"{review}: cannot be read ({err.strerror or err}). Fix: give a readable review CSV.") from None
    except UnicodeDecodeError as err:
        raise EvidenceError(f"{review}: not UTF-8. Fix: save it as CSV UTF-8.") from err
    # Read as written (no newline translation): a quote from a CRLF or CR document keeps its line endings.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise EvidenceError(f"{review} is empty. Fix: give the review CSV written by `claimledger extract`.") from None
    missing = [c for c in ("accept", "document_id", "start", "end", "quote", "claim_id") if c not in header]
    if missing:
        raise EvidenceError(f"{review} is not a review file: column(s) {', '.join(missing)} missing. "
                            f"Fix: keep the header written by `claimledger extract` ({','.join(REVIEW_COLUMNS)}).")
    rows = []
    prev = reader.line_num
    for rec in reader:
        rows.append((prev + 1, rec + [""] * (len(header) - len(rec))))
        prev = reader.line_num
    return header, rows


def _accepted(name: str, header: list[str], rows, docs: dict, claim_ids: set, rep: Report) -> list[dict]:
    """The rows marked yes, with their document and claim checked and their offsets parsed; problems go to ``rep``."""
    col = {c: header.index(c) for c in header}
    out = []
    for line, rec in rows:
        get = lambda c, rec=rec: rec[col[c]].strip() if c in col else ""
        decision = get("accept").lower()
        if not any(v.strip() for v in rec) or decision in ACCEPT_NO:
            continue
        if decision not in ACCEPT_YES:
            rep.add(Problem(name, line, "accept", "unknown-decision", f'"{get("accept")}" is neither yes nor no.',
                            "write yes to add the mention, or leave the cell empty (or no) to skip it.", get("accept")))
            continue
        doc, claim = get("document_id"), get("claim_id")
        ok = doc in docs
        if not ok:
            rep.add(Problem(name, line, "document_id", "unregistered-document", f'document "{doc}" is not registered in evidence/documents.csv.',
                            f"register its text first: claimledger add-document FILE --document-id {doc}", doc))
        if claim.lower() in (NEW_CLAIM, ""):
            rep.add(Problem(name, line, "claim_id", "new-claim", 'the claim is "new": it has no row in claims.csv.',
                            "add the claim to claims.csv (claim_id, statement, category, testable), then write its claim_id here.", claim))
            ok = False
        elif claim not in claim_ids:
            close = difflib.get_close_matches(claim, sorted(claim_ids), n=1)
            rep.add(Problem(name, line, "claim_id", "unknown-claim", f'"{claim}" is not a claim_id in claims.csv'
                            + (f' (did you mean "{close[0]}"?)' if close else "") + ".", "correct it, or add the claim to claims.csv first.", claim))
            ok = False
        try:
            start, end = int(get("start")), int(get("end"))
        except ValueError:
            rep.add(Problem(name, line, "start", "bad-offsets", f'offsets "{get("start")}"-"{get("end")}" are not whole numbers.',
                            "write the quote's character offsets in the document (end = start + length of quote).", get("start")))
            continue
        out.append({"line": line, "ok": ok, "claim_id": claim, "document_id": doc, "quote": rec[col["quote"]], "start": start, "end": end})
    return out


def _document_texts(root: Path, docs: dict, wanted) -> tuple[dict[str, str | None], dict[str, str]]:
    """The text of each wanted document, read the one way (:func:`~claimledger.ledger.read.read_document`),
    and why a document has none."""
    texts, why = {}, {}
    for doc in dict.fromkeys(wanted):
        texts[doc] = None
        try:
            texts[doc] = document_text(read_document(root, docs[doc]))
        except OutsideLedger as err:
            why[doc] = f"outside-ledger:{err}"
        except (OSError, UnicodeDecodeError) as err:
            why[doc] = f"unreadable-file:{getattr(err, 'strerror', None) or err}"
    return texts, why


def _check_quotes(name: str, rows: list[dict], docs: dict, texts: dict, rep: Report, why: dict | None = None) -> None:
    """Each row's quote must be the document's text at its offsets: the validator's own check (:func:`compare_quotes`)."""
    why = why or {}
    for r in rows:
        text = texts.get(r["document_id"])
        if r["document_id"] in texts and text is None:
            code, _, reason = why.get(r["document_id"], "missing-document:").partition(":")
            code = code if code in ("outside-ledger", "unreadable-file") else "missing-document"
            rep.add(Problem(name, r["line"], "document_id", code,
                            f"the text of document {r['document_id']} ({docs[r['document_id']]}) cannot be read" + (f": {reason}" if reason else "") + ".",
                            "keep the document's text inside the ledger's documents/ folder, readable (claimledger validate checks it)."))
            r["ok"] = False
        elif text is not None and r["quote"].startswith("'") and text[r["start"]:r["end"]] == r["quote"][1:]:
            r["quote"] = r["quote"][1:]  # undo spreadsheet_safe
    known = [r for r in rows if texts.get(r["document_id"]) is not None]
    blank = [r for r in known if not r["quote"].strip()]
    for r in blank:
        rep.add(Problem(name, r["line"], "quote", "blank-required", "the quote is empty.", "copy the quote from the document."))
        r["ok"] = False
    known = [r for r in known if r["quote"].strip()]
    if not known:
        return
    frame = pd.DataFrame(known)
    bad_range, mismatch, _ = compare_quotes(frame["document_id"], frame["quote"].astype(str), frame["start"].to_numpy(dtype=float),
                                            frame["end"].to_numpy(dtype=float), {k: t for k, t in texts.items() if t is not None})
    for r in np.asarray(known, dtype=object)[bad_range | mismatch]:
        hit = closest_match(texts[r["document_id"]], r["quote"], r["start"])
        where = f" (it occurs at {hit}-{hit + len(r['quote'])})" if hit is not None else " (the quote does not occur in the text)"
        rep.add(Problem(name, r["line"], "quote", "quote-mismatch", f"the text of document {r['document_id']} at {r['start']}-{r['end']} is not the quote{where}.",
                        "copy the quote character for character and set start and end to where it occurs.", r["quote"][:80]))
        r["ok"] = False


def merge_review(root: str | Path, review: str | Path, dry_run: bool = False) -> MergeResult:
    """Add the accepted rows of a review CSV to ``evidence/mentions.csv``.

    Every accepted row is checked first: its document is registered, its
    claim exists (``new`` is refused until the claim is in ``claims.csv``), its
    offsets are whole numbers and the document's text at them is the quote.
    Any problem stops the merge: nothing is written and ``report`` says what to
    fix. Rows already in the ledger (same claim, document and offsets) are
    skipped. New mention ids continue the existing sequence.
    """
    root, review = Path(root), Path(review)
    header, rows = _read_review(review)
    if dry_run:
        return _merge(root, review, header, rows, dry_run)
    with ledger_lock(root):  # ids are allocated from the mentions read under the lock
        return _merge(root, review, header, rows, dry_run)


def _merge(root: Path, review: Path, header: list[str], rows, dry_run: bool) -> MergeResult:
    result = MergeResult()
    _, docs_raw = read_raw(root, "documents")
    _, claims_raw = read_raw(root, "claims")
    mtable, mentions_raw = read_raw(root, "mentions")
    docs = dict(zip(docs_raw.frame["document_id"], docs_raw.frame["file"]))
    candidates = _accepted(str(review), header, rows, docs, set(claims_raw.frame["claim_id"]), result.report)
    texts, why = _document_texts(root, docs, [r["document_id"] for r in candidates if r["document_id"] in docs])
    _check_quotes(str(review), candidates, docs, texts, result.report, why)
    m = mentions_raw.frame
    existing = set(zip(m["claim_id"], m["document_id"], m["start"], m["end"]))
    accepted = []
    for r in candidates:
        key = (r["claim_id"], r["document_id"], str(r["start"]), str(r["end"]))
        if not r["ok"]:
            continue
        if key in existing:
            result.skipped.append(f"{review}:{r['line']}: {r['claim_id']} at {r['document_id']} {r['start']}-{r['end']} is already in {mtable.path}.")
            continue
        existing.add(key)
        accepted.append({k: r[k] for k in ("claim_id", "document_id", "quote", "start", "end")})
    if result.report.errors or not accepted:
        return result
    for mid, row in zip(next_ids(m["mention_id"].tolist(), len(accepted), default="m0001"), accepted):
        row["mention_id"] = mid
    result.added = accepted
    if not dry_run:
        append_rows(root / mtable.path, mtable.field_names, accepted, table=mtable)
    return result
