"""Property-based hostile input (issue 13), with Hypothesis: whatever a ledger file or a server holds, claimledger
reports it or refuses it, and never raises, hangs or changes the ledger.

* arbitrary bytes spliced into any ledger file, or written over it;
* arbitrary text (any Unicode, controls, quotes, newlines) in any cell of any table, CSV-quoted properly;
* arbitrary JSON (any shape, or the real answers with any part replaced) from a loopback server standing
  in for Crossref and E-utilities.

Examples are kept few (tens per property) so that the whole suite stays quick; Hypothesis shrinks any
failure to a small example and prints it.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claimledger
from claimledger.ledger import validate
from claimledger.problems import CODES, EvidenceError
from hostile import fingerprint, run

MINI = Path(__file__).parent / "data" / "mini"
FILES = ["claims.csv", "datapackage.json", "evidence/documents.csv", "evidence/mentions.csv", "evidence/citations.csv",
         "evidence/links.csv", "evidence/searches.csv", "evidence/document_citations.csv", "documents/d1.txt"]
TABLES = ["claims.csv", "evidence/documents.csv", "evidence/mentions.csv", "evidence/citations.csv", "evidence/links.csv",
          "evidence/searches.csv"]
SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}


def _fresh() -> Path:
    root = Path(tempfile.mkdtemp(prefix="claimledger-prop-")) / "mini"
    shutil.copytree(MINI, root)
    return root


def _check_ledger_commands(root: Path) -> None:
    """Validate and grade from the CLI: a report, an exit code of 0 or 1, never a traceback; the ledger unchanged."""
    before = fingerprint(root)
    report = validate(root)
    assert {p.code for p in report.problems} <= set(CODES)
    assert all(p.file and p.message for p in report.problems)
    code, out, _ = run("validate", "--format", "json", "--root", str(root))
    assert code == (0 if report.ok else 1) and json.loads(out)["ok"] == report.ok
    if report.ok:
        assert run("grade", "--root", str(root))[0] == 0
    try:
        ledger = claimledger.load(root, strict=False)
        ledger.grades()
    except EvidenceError:
        pass  # a schema that cannot be read is refused with a message
    assert fingerprint(root) == before


@settings(max_examples=40, **SETTINGS)
@given(name=st.sampled_from(FILES), at=st.floats(0, 1), junk=st.binary(max_size=300), replace=st.booleans())
def test_arbitrary_bytes_in_any_ledger_file(name, at, junk, replace):
    root = _fresh()
    try:
        path = root / name
        data = path.read_bytes()
        cut = int(at * len(data))
        path.write_bytes(junk if replace else data[:cut] + junk + data[cut:])
        _check_ledger_commands(root)
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


CELL = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.sampled_from(list(' ,"\n\r\t\x00\ufeff\u200b\u00a0=+-@{}\\<>&\u0435e1')), max_size=20),
    st.sampled_from(["", "   ", "-99999999999", "99999999999999999999", "1e999", "inf", "NaN", "true", "2026-02-30", "/etc/passwd",
                     "../../../etc/passwd", "documents/..", "javascript:alert(1)", "=1+1", '"', '""', "m1", "d1", "new"]),
)


@settings(max_examples=40, **SETTINGS)
@given(name=st.sampled_from(TABLES), row=st.integers(0, 3), column=st.integers(0, 20), value=CELL)
def test_arbitrary_cells_in_any_table(name, row, column, value):
    root = _fresh()
    try:
        path = root / name
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        body = rows[1:] or [[""] * len(rows[0])]
        r = body[row % len(body)]
        r[column % len(r)] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([rows[0], *body])
        path.write_bytes(buf.getvalue().encode("utf-8", "surrogatepass"))
        _check_ledger_commands(root)
        if validate(root).ok:
            assert run("export", "bibtex", "--root", str(root))[0] == 0
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


# ---- arbitrary answers from a server -----------------------------------------------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, prefix + (i,))


def _replace(data, path, value):
    if not path:
        return value
    data[path[0]] = _replace(data[path[0]], path[1:], value)
    return data


@st.composite
def answers(draw, real):
    """Either JSON of any shape, or the real answer with one part (of any depth) replaced by JSON of any shape."""
    if draw(st.booleans()):
        return draw(JSON)
    data = json.loads(json.dumps(real))
    paths = list(_paths(data))
    return _replace(data, draw(st.sampled_from(paths)), draw(JSON))


@settings(max_examples=50, **SETTINGS)
@given(st.data())
def test_arbitrary_json_from_the_apis(httpserver, data):
    from test_resolve import CITATIONS, FakeApis, make_ledger
    httpserver.clear()
    apis = FakeApis(httpserver)
    real_cr = {"status": "ok", "message": {"total-results": 2, "items": list(apis.works.values())[:2]}}
    real_es = {"result": {"uids": list(apis.summaries), **apis.summaries}}
    real_se = {"esearchresult": {"count": "1", "idlist": list(apis.summaries)[:1]}}
    bodies = {"/crossref/works": data.draw(answers(real_cr)), "/eutils/esummary.fcgi": data.draw(answers(real_es)),
              "/eutils/esearch.fcgi": data.draw(answers(real_se))}
    for path, body in bodies.items():
        apis.handlers[path] = lambda request, body=body: apis.json(body)
    base = Path(tempfile.mkdtemp(prefix="claimledger-api-"))
    try:
        root = make_ledger(base / "l", list(CITATIONS)[:5], CITATIONS)
        tables = {k: v for k, v in fingerprint(root).items() if not k.startswith("evidence/cache")}
        res = claimledger.resolve.resolve_citations(root, online=True, config=apis.config(retries=0, request_deadline=5), fill=True)
        assert {p.code for p in res.report.problems} <= set(CODES)
        after = {k: v for k, v in fingerprint(root).items() if not k.startswith("evidence/cache")}
        changed = {k for k in after if after[k] != tables.get(k)}
        assert changed <= {"evidence/citations.csv"}
        if changed:  # --fill may write an identifier, but only one that keeps the table valid
            assert validate(root).errors == [] or [p for p in validate(root).errors if p.file == "evidence/citations.csv"] == []
        for command in (["resolve"], ["resolve", "--format", "csv"], ["resolve", "--format", "json"], ["validate"]):
            assert run(*command, "--root", str(root))[0] in (0, 1)
        claimledger.resolve.citation_status(root)
    finally:
        shutil.rmtree(base, ignore_errors=True)


_CHARS = st.sampled_from(list("ab é—😀\u00a0\n\"") + ["\u200b"])


@settings(max_examples=80, **SETTINGS)
@given(texts=st.dictionaries(st.sampled_from(["d1", "d2", "d3"]), st.text(_CHARS, max_size=40), min_size=1, max_size=3),
       data=st.data())
def test_quote_check_agrees_with_slicing_the_text(texts, data):
    """The vectorised quote check (Arrow views into the documents, short values inline) says exactly what slicing
    each document's text in Python says, for any characters (multi-byte, astral, invisible), any offsets and lengths:
    mostly quotes copied from the text (short and long, at every position), some changed, some out of range."""
    import numpy as np
    import pandas as pd

    from claimledger.ledger.validate import compare_quotes
    table = []
    for _ in range(data.draw(st.integers(1, 30))):
        doc = data.draw(st.sampled_from(sorted(texts) + ["gone"]))
        text = texts.get(doc, "")
        start = data.draw(st.integers(-2, len(text) + 2))
        end = data.draw(st.integers(start - 1, len(text) + 3))
        quote = text[max(start, 0):max(end, 0)]
        how = data.draw(st.sampled_from(["copied", "copied", "changed", "other"]))
        if how == "changed" and quote:
            at = data.draw(st.integers(0, len(quote) - 1))
            old = quote[at]
            quote = quote[:at] + data.draw(_CHARS.filter(lambda c, old=old: c != old)) + quote[at + 1:]
        elif how == "other":
            quote = data.draw(st.text(_CHARS, max_size=16))
        table.append((doc, quote, float(start), float(end)))
    frame = pd.DataFrame(table, columns=["document_id", "quote", "start", "end"])
    bad_range, mismatch, _ = compare_quotes(frame["document_id"], frame["quote"].astype("str"), frame["start"].to_numpy(),
                                            frame["end"].to_numpy(), texts)
    assert isinstance(mismatch, np.ndarray) and len(mismatch) == len(table)
    for i, (doc, quote, start, end) in enumerate(table):
        text = texts.get(doc)
        usable = text is not None and quote != ""
        out_of_range = usable and (start < 0 or start > end or end > len(text))
        assert bool(bad_range[i]) == out_of_range, (doc, quote, start, end, text)
        assert bool(mismatch[i]) == (usable and not out_of_range and text[int(start):int(end)] != quote), (doc, quote, start, end, text)
