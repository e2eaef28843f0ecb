"""Validation of a whole ledger against its datapackage.json, plus ledger rules.

Everything is vectorised over rows (pandas/numpy masks); Python loops run only
over the rows that have a problem, to build the messages. :func:`validate`
never raises for bad data: it returns a :class:`Report` of every problem.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .load import RawTable, file_sha256, read_tables
from .problems import Problem, Report, SchemaError
from .schema import Field, Schema, Table, read_schema

MAX_SUGGESTIONS = 2000  # beyond this many bad values, skip "did you mean" look-ups
QUOTE_BATCH = 200_000  # mentions compared per numpy batch (bounds memory)


def _suggest(value: str, choices, cutoff: float = 0.6) -> str:
    m = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return f' (did you mean "{m[0]}"?)' if m else ""


def _emit(raw: RawTable, mask, column: str, code: str, message, hint, severity: str = "error") -> list[Problem]:
    """Problems for the rows where ``mask`` is true; message/hint may be callables of the row index."""
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))
    out = []
    values = raw.frame[column] if column in raw.frame else None
    for i in idx:
        v = "" if values is None else str(values.iat[i])
        msg = message(i, v) if callable(message) else message
        fix = hint(i, v) if callable(hint) else hint
        out.append(Problem(raw.file, int(raw.lines[i]), column, code, msg, fix, v, severity))
    return out


def _type_mask(s: pd.Series, f: Field, nonblank: pd.Series) -> pd.Series:
    """True where a non-blank value does not parse as the field's type."""
    if f.type == "integer":
        return nonblank & ~s.str.fullmatch(r"[+-]?[0-9]+")
    if f.type == "number":
        return nonblank & pd.to_numeric(s.where(nonblank), errors="coerce").isna()
    if f.type == "boolean":
        return nonblank & ~s.isin(f.true_values + f.false_values)
    if f.type == "date":
        return nonblank & pd.to_datetime(s.where(nonblank), format="%Y-%m-%d", errors="coerce").isna()
    return pd.Series(False, index=s.index)


_TYPE_HINT = {
    "integer": "write a whole number such as 42.",
    "number": "write a number such as 0.75 (a point as decimal separator).",
    "date": "write the date as YYYY-MM-DD, e.g. 2026-11-21.",
}


def check_fields(raw: RawTable) -> list[Problem]:
    """Everything one table's schema declares: required, type, enum, pattern, range, unique, primary key."""
    t: Table = raw.table
    df = raw.frame
    out: list[Problem] = []
    for f in t.fields:
        s = df[f.name]
        blank = s == ""
        nonblank = ~blank
        if f.required:
            out += _emit(raw, blank, f.name, "blank-required", f'"{f.name}" is required but empty.',
                         f"fill it in ({f.description.rstrip('.')}).")
        if f.type == "boolean":
            bad = _type_mask(s, f, nonblank)
            out += _emit(raw, bad, f.name, "bad-boolean", lambda i, v: f'"{v}" is not a boolean.',
                         f"write {' or '.join(f.true_values[:1] + f.false_values[:1])}.")
        elif f.type in _TYPE_HINT:
            bad = _type_mask(s, f, nonblank)
            out += _emit(raw, bad, f.name, f"bad-{f.type}", lambda i, v, f=f: f'"{v}" is not a valid {f.type}.', _TYPE_HINT[f.type])
            if f.minimum is not None or f.maximum is not None:
                num = pd.to_numeric(s.where(nonblank & ~bad), errors="coerce")
                low = num < f.minimum if f.minimum is not None else pd.Series(False, index=s.index)
                high = num > f.maximum if f.maximum is not None else pd.Series(False, index=s.index)
                out += _emit(raw, (low | high).fillna(False), f.name, "out-of-range",
                             lambda i, v, f=f: f'{v} is outside the allowed range {f.minimum}..{f.maximum}.',
                             "correct the value.")
        if f.enum is not None:
            bad = nonblank & ~s.isin(f.enum)
            few = int(bad.sum()) <= MAX_SUGGESTIONS
            out += _emit(raw, bad, f.name, "unknown-enum",
                         lambda i, v, f=f: f'"{v}" is not a known {f.name}' + (_suggest(v, f.enum) if few else "") + ".",
                         f"use one of {', '.join(f.enum)}.")
        if f.pattern:
            bad = nonblank & ~s.str.fullmatch(f.pattern)
            out += _emit(raw, bad, f.name, "bad-format", lambda i, v, f=f: _pattern_message(f, v), lambda i, v, f=f: _pattern_hint(f, v))
        if f.unique:
            out += _duplicates(raw, [f.name], nonblank)
    pk = list(t.primary_key)
    if pk and not (len(pk) == 1 and t.field(pk[0]).unique):
        out += _duplicates(raw, pk, pd.Series(True, index=df.index))
    return out


def _pattern_message(f: Field, v: str) -> str:
    if f.name in ("doi",) and re.match(r"(?i)https?://|doi:", v):
        return f'"{v}" is a URL or prefixed DOI, not a bare DOI.'
    if f.name.endswith("_id") or f.name == "claim_id":
        return f'"{v}" is not a well-formed {f.name}.'
    return f'"{v}" does not have the expected format for {f.name}.'


def _pattern_hint(f: Field, v: str) -> str:
    if f.name == "doi":
        return 'keep only the DOI itself, starting with "10." (e.g. 10.1001/jamainternmed.2024.0571).'
    if f.name == "pmid":
        return "write the PubMed id as digits only, e.g. 38587857."
    if f.name in ("claim_id", "citation_id", "mention_id", "search_id"):
        return "use lower-case letters, digits and single hyphens, e.g. endorphin-release."
    if f.name == "sha256":
        return "write the 64-character lower-case hex SHA-256 of the file (claimledger add-document does it)."
    return f"match the pattern {f.pattern}."


def _duplicates(raw: RawTable, cols: list[str], among: pd.Series) -> list[Problem]:
    df = raw.frame
    dup = df.duplicated(subset=cols, keep="first") & among
    if not dup.any():
        return []
    key = df[cols].astype(str).agg("\x1f".join, axis=1) if len(cols) > 1 else df[cols[0]]
    first_line = pd.Series(raw.lines, index=df.index).groupby(key).transform("first")
    label = cols[0] if len(cols) == 1 else "+".join(cols)
    return _emit(raw, dup, cols[0], "duplicate-id",
                 lambda i, v: f'"{key.iat[i]}" is used twice in {label} (also line {first_line.iat[i]}).'.replace("\x1f", ", "),
                 "give each row its own id; ids are never reused." if len(cols) == 1 else "merge the duplicate rows.")


def check_foreign_keys(raws: dict[str, RawTable]) -> list[Problem]:
    out = []
    for raw in raws.values():
        if raw.frame is None:
            continue
        for fk in raw.table.foreign_keys:
            parent = raws.get(fk.resource)
            if parent is None or parent.frame is None:
                continue
            for col, pcol in zip(fk.fields, fk.reference_fields):
                s = raw.frame[col]
                known = set(parent.frame[pcol])
                bad = (s != "") & ~s.isin(known)
                few = int(bad.sum()) <= MAX_SUGGESTIONS
                out += _emit(raw, bad, col, "unknown-reference",
                             lambda i, v, p=parent, pc=pcol, k=known, few=few: f'"{v}" is not a {pc} in {p.file}' + (_suggest(v, k) if few else "") + ".",
                             lambda i, v, p=parent, pc=pcol: f"add it to {p.file} first, or correct the {pc}.")
    return out


def check_quotes(root: Path, mentions: RawTable, documents: RawTable) -> list[Problem]:
    """Every quote must sit at its offsets in its document's text, character for character.

    The comparison is vectorised: documents and quotes become numpy arrays of
    code points and are compared at gathered positions, in batches.
    """
    m, d = mentions.frame, documents.frame
    texts: dict[str, str] = {}
    for doc_id, file in zip(d["document_id"], d["file"]):
        try:
            texts[doc_id] = (root / file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
    start = pd.to_numeric(m["start"], errors="coerce")
    end = pd.to_numeric(m["end"], errors="coerce")
    doc_len = m["document_id"].map({k: len(v) for k, v in texts.items()})
    has_doc = doc_len.notna()
    usable = has_doc & start.notna() & end.notna() & (m["quote"] != "")
    out: list[Problem] = []
    # Offsets that cannot be right, whatever the text.
    bad_range = usable & ((start > end) | (end > doc_len))
    out += _emit(mentions, bad_range, "end" , "bad-offsets",
                 lambda i, v: f"offsets {m['start'].iat[i]}-{m['end'].iat[i]} are out of range for {_doc_file(d, m['document_id'].iat[i])} ({int(doc_len.iat[i])} characters).",
                 "set start and end to the quote's position in the text (end = start + length of quote).")
    usable &= ~bad_range
    qlen = m["quote"].str.len()
    len_ok = usable & (qlen == (end - start))
    mismatch = usable & ~len_ok
    # Compare characters for rows whose lengths agree.
    doc_ids = list(texts)
    if doc_ids:
        arrays = [np.frombuffer(texts[k].encode("utf-32-le"), dtype=np.uint32) for k in doc_ids]
        base = np.cumsum([0] + [len(a) for a in arrays[:-1]])
        big = np.concatenate(arrays) if arrays else np.zeros(0, np.uint32)
        doc_base = m["document_id"].map(dict(zip(doc_ids, base)))
        rows = np.flatnonzero(len_ok.to_numpy())
        for b in range(0, len(rows), QUOTE_BATCH):
            r = rows[b:b + QUOTE_BATCH]
            quotes = m["quote"].to_numpy()[r]
            lens = qlen.to_numpy()[r].astype(np.int64)
            qarr = np.frombuffer("".join(quotes).encode("utf-32-le"), dtype=np.uint32)
            qstart = np.concatenate(([0], np.cumsum(lens)[:-1]))
            owner = np.repeat(np.arange(len(r)), lens)
            within = np.arange(len(qarr)) - qstart[owner]
            pos = (doc_base.to_numpy()[r].astype(np.int64) + start.to_numpy()[r].astype(np.int64))[owner] + within
            equal = big[pos] == qarr
            ok = np.logical_and.reduceat(equal, qstart) if len(qarr) else np.ones(len(r), bool)
            mismatch.iloc[r[~ok]] = True
    def msg(i, v):
        doc = m["document_id"].iat[i]
        text = texts[doc]
        q = m["quote"].iat[i]
        s, e = int(start.iat[i]), int(end.iat[i])
        hits = [h.start() for h in re.finditer(re.escape(q), text)]
        where = f" (closest match at {min(hits, key=lambda h: abs(h - s))})" if hits else " (the quote does not occur anywhere in the text)"
        return f"text not found in {_doc_file(d, doc)} at {s}-{e}{where}."
    out += _emit(mentions, mismatch, "quote", "quote-mismatch", msg,
                 "copy the quote character for character from the document and set start/end to where it occurs.")
    return out


def _doc_file(d: pd.DataFrame, doc_id: str) -> str:
    hit = d.loc[d["document_id"] == doc_id, "file"]
    return str(hit.iat[0]) if len(hit) else doc_id


def check_documents(root: Path, documents: RawTable) -> list[Problem]:
    d = documents.frame
    out = []
    exists = pd.Series([f != "" and (root / f).is_file() for f in d["file"]], index=d.index, dtype=bool)
    out += _emit(documents, (d["file"] != "") & ~exists, "file", "missing-document",
                 lambda i, v: f"{v} does not exist.", "put the document's text there, or correct the path.")
    # Hashing reads each document once: documents are few and large, so this is per file, not per row.
    digests = pd.Series([file_sha256(root / f) if ok else "" for f, ok in zip(d["file"], exists)], index=d.index)
    bad = exists & (d["sha256"] != "") & (digests != d["sha256"])
    out += _emit(documents, bad, "sha256", "hash-mismatch",
                 lambda i, v: f"{d['file'].iat[i]} has SHA-256 {digests.iat[i][:12]}…, not {v[:12]}…: the text changed since it was registered.",
                 "documents are never edited: restore the original text, or register the new version with `claimledger add-document`.")
    return out


def check_ledger_rules(raws: dict[str, RawTable], today: _dt.date | None = None) -> list[Problem]:
    """Rules beyond the schema: conditional requirements, orphans, identifiers, coverage."""
    today = today or _dt.date.today()
    out: list[Problem] = []
    claims = raws["claims"]
    mentions = raws["mentions"]
    links = raws.get("links")
    searches = raws.get("searches")
    citations = raws.get("citations")
    docs = raws["documents"]
    if claims.frame is not None:
        c = claims.frame
        out += _emit(claims, (c["testable"] == "false") & (c["testable_reason"] == ""), "testable_reason", "reason-required",
                     "a claim marked testable=false needs a reason.", "say why no study could confirm or refute it.")
        out += _emit(claims, (c["verdict_override"] != "") & (c["override_reason"] == ""), "override_reason", "reason-required",
                     "a verdict override needs a reason.", "say why the reviewer overrides the computed verdict.")
        if mentions.frame is not None:
            orphan = ~c["claim_id"].isin(set(mentions.frame["claim_id"]))
            out += _emit(claims, orphan, "claim_id", "orphan-claim",
                         lambda i, v: f'claim "{v}" is made by no document (no row in {mentions.file}).',
                         "add the mention(s) that make it, or remove the claim.")
        covered = set()
        if links is not None and links.frame is not None:
            covered |= set(links.frame["claim_id"])
        if searches is not None and searches.frame is not None:
            covered |= set(searches.frame["claim_id"])
        if links is not None and links.frame is not None and searches is not None and searches.frame is not None:
            out += _emit(claims, ~c["claim_id"].isin(covered), "claim_id", "not-yet-searched",
                         lambda i, v: f'claim "{v}" has no evidence links and no logged search.',
                         f"search for evidence and log it in {searches.file}.", severity="warning")
    if docs.frame is not None and mentions.frame is not None:
        unused = ~docs.frame["document_id"].isin(set(mentions.frame["document_id"]))
        out += _emit(docs, unused, "document_id", "unused-document",
                     lambda i, v: f'document "{v}" has no mentions yet.', "record the claims it makes.", severity="warning")
    if mentions.frame is not None:
        m = mentions.frame
        s = pd.to_numeric(m["start"], errors="coerce")
        e = pd.to_numeric(m["end"], errors="coerce")
        out += _emit(mentions, (s > e).fillna(False), "end", "bad-offsets",
                     lambda i, v: f"end {v} is before start {m['start'].iat[i]}.", "end = start + length of quote.")
    if citations is not None and citations.frame is not None:
        ct = citations.frame
        none = (ct["doi"] == "") & (ct["pmid"] == "") & (ct["url"] == "")
        out += _emit(citations, none, "doi", "no-identifier", "the citation has no DOI, PMID or URL.",
                     "add the identifier you checked in the real record; a citation you could not verify does not go in.")
        for col, norm in (("doi", ct["doi"].str.lower().str.strip()), ("pmid", ct["pmid"].str.strip())):
            present = norm != ""
            dup = norm.duplicated(keep="first") & present
            first = pd.Series(citations.lines, index=ct.index).groupby(norm).transform("first")
            out += _emit(citations, dup, col, f"duplicate-{col}",
                         lambda i, v, first=first, col=col: f'{col.upper()} "{v}" is already used by line {first.iat[i]}.',
                         "one row per publication: merge the two rows.")
        year = pd.to_numeric(ct["year"], errors="coerce")
        out += _emit(citations, (year > today.year + 1).fillna(False), "year", "future-year",
                     lambda i, v: f"year {v} is in the future.", "check the publication year in the record.")
        if links is not None and links.frame is not None:
            cited = set(links.frame["citation_id"])
            dc = raws.get("document_citations")
            if dc is not None and dc.frame is not None:
                cited |= set(dc.frame["citation_id"])
            out += _emit(citations, ~ct["citation_id"].isin(cited), "citation_id", "unused-citation",
                         lambda i, v: f'citation "{v}" is linked to no claim and cited by no document.',
                         "link it to the claim it bears on, or remove it.", severity="warning")
    if links is not None and links.frame is not None:
        lk = links.frame
        out += _emit(links, (lk["certainty_basis"] == "assessor") & (lk["certainty_reason"] == ""), "certainty_reason",
                     "reason-required", "a certainty rated by the assessor needs a reason.",
                     "say why (design, size, risk of bias, indirectness).")
        est = pd.to_numeric(lk["estimate"], errors="coerce")
        lo = pd.to_numeric(lk["ci_low"], errors="coerce")
        hi = pd.to_numeric(lk["ci_high"], errors="coerce")
        out += _emit(links, est.notna() & (lk["measure"] == ""), "measure", "measure-required",
                     "an estimate needs its measure.", "set measure (RR, OR, HR, RD, MD or SMD).")
        out += _emit(links, (est.notna() & lo.notna() & hi.notna() & ((lo > est) | (est > hi))).fillna(False), "estimate",
                     "estimate-outside-ci", lambda i, v: f"estimate {v} lies outside its interval {lk['ci_low'].iat[i]} to {lk['ci_high'].iat[i]}.",
                     "check the numbers against the paper.")
    dc = raws.get("document_citations")
    if dc is not None and dc.frame is not None:
        f = dc.frame
        out += _emit(dc, (f["match"] != "none") & (f["citation_id"] == ""), "citation_id", "blank-required",
                     "a reference matched exactly or closely needs the citation_id it matches.",
                     "fill in citation_id, or set match to none.")
    return out


def validate(root: str | Path = ".", today: _dt.date | None = None) -> Report:
    """Validate the ledger at ``root``: every schema rule and every ledger rule.

    Returns a :class:`Report`; never raises for bad data.

    Examples
    --------
    >>> report = validate(".")  # doctest: +SKIP
    >>> report.ok, len(report.errors)  # doctest: +SKIP
    (True, 0)
    """
    root = Path(root)
    report = Report()
    try:
        schema: Schema = read_schema(root)
    except SchemaError as err:
        report.add(Problem("datapackage.json", None, "(file)", "bad-schema", str(err)))
        return report
    raws = read_tables(root, schema)
    for name, raw in raws.items():
        report.extend(raw.problems)
        if raw.frame is not None:
            report.counts[name] = len(raw.frame)
            report.extend(check_fields(raw))
    report.extend(check_foreign_keys(raws))
    if all(n in raws for n in ("claims", "mentions", "documents")):
        if raws["documents"].frame is not None:
            report.extend(check_documents(root, raws["documents"]))
            if raws["mentions"].frame is not None:
                report.extend(check_quotes(root, raws["mentions"], raws["documents"]))
        report.extend(check_ledger_rules(raws, today))
    return report
