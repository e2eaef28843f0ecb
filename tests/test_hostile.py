"""Hostile and broken input (issue 13): every case is a real file in a temporary copy of the fixture ledger.

Each test names the exact problems reported (file, line, column, code) and the exit code. Nothing is
mocked: documents are real files and symlinks, servers are real HTTP servers on 127.0.0.1, other users
are real users (setpriv), killed processes are really killed. ``docs/security.md`` lists what each
test guards.
"""
from __future__ import annotations

import ast
import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import claimledger
from claimledger.files import spreadsheet_safe, write_atomic
from claimledger.ledger import validate
from conftest import REPO
from hostile import append_line, as_plain_user, edit, fingerprint, loosen, read_only, run

SRC = REPO / "src" / "claimledger"
PASSWD_LINE = "root:x:0:0"


def errors(root) -> list[tuple]:
    report = validate(root)
    return [t for t, p in zip(report.flat(), report.sorted()) if p.severity == "error"]


def problems(root, code: str):
    return [p for p in validate(root).sorted() if p.code == code]


# ---- paths: nothing outside the ledger is opened, hashed, probed or printed ------------------------------------

@pytest.mark.parametrize("target", ["/etc/passwd", "../../../etc/passwd"])
def test_document_path_outside_the_ledger_is_refused(mini, target):
    edit(mini / "evidence/documents.csv", "d2,documents/d2.txt,", f"d2,{target},")
    assert errors(mini) == [("evidence/documents.csv", 3, "file", "bad-format"), ("evidence/documents.csv", 3, "file", "outside-ledger")]
    code, out, err = run("validate", "--root", str(mini))
    assert code == 1 and PASSWD_LINE not in out + err and "closest match" not in out


def test_registered_symlink_to_a_file_outside_is_refused(mini, tmp_path):
    outside = tmp_path / "outside.txt"
    shutil.copy(mini / "documents/d2.txt", outside)  # same bytes, so the hash would match
    (mini / "documents/d2.txt").unlink()
    (mini / "documents/d2.txt").symlink_to(outside)
    assert errors(mini) == [("evidence/documents.csv", 3, "file", "outside-ledger")]
    assert "leads to" in problems(mini, "outside-ledger")[0].message


def test_symlink_loop_is_refused(mini):
    (mini / "documents/d2.txt").unlink()
    (mini / "documents/d2.txt").symlink_to(mini / "documents/d2.txt")
    assert errors(mini) == [("evidence/documents.csv", 3, "file", "outside-ledger")]


def test_a_folder_named_as_a_document_is_unreadable_not_missing(mini):
    edit(mini / "evidence/documents.csv", "d2,documents/d2.txt,", "d2,documents/..,")
    assert errors(mini) == [("evidence/documents.csv", 3, "file", "unreadable-file")]


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.csv"])
def test_datapackage_resource_path_outside_is_refused(mini, path):
    (mini.parent / "outside.csv").write_text("root:x:0:0:root:/root:/bin/bash\n")
    d = json.loads((mini / "datapackage.json").read_text())
    next(r for r in d["resources"] if r["name"] == "searches")["path"] = path
    (mini / "datapackage.json").write_text(json.dumps(d))
    assert [t for t in errors(mini) if t[0] == path] == [(path, None, "(file)", "outside-ledger")]
    code, out, err = run("validate", "--root", str(mini))
    assert code == 1 and PASSWD_LINE not in out + err and "root:/root" not in out + err


def _review(root: Path, rows: list[list]) -> Path:
    path = root / "review.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["accept", "document_id", "start", "end", "quote", "claim_id"], *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_merge_review_refuses_a_quote_from_a_document_outside(mini, tmp_path):
    outside = tmp_path / "outside.txt"
    shutil.copy(mini / "documents/d2.txt", outside)
    (mini / "documents/d2.txt").unlink()
    (mini / "documents/d2.txt").symlink_to(outside)
    review = _review(mini, [["yes", "d2", 2, 8, "second", "acupuncture-safe"]])
    before = fingerprint(mini)
    code, out, _ = run("merge-review", str(review), "--root", str(mini))
    assert code == 1 and "outside the ledger folder" in out
    from claimledger.writers.extract import merge_review
    result = merge_review(mini, review)
    assert result.report.flat() == [(str(review), 2, "document_id", "outside-ledger")]
    assert fingerprint(mini) == before


def test_extract_refuses_a_link_inside_the_ledger_that_leads_outside(mini, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("Acupuncture cures everything. It is safe.\n")
    (mini / "documents/link.txt").symlink_to(outside)
    code, _, err = run("extract", str(mini / "documents/link.txt"), "--document-id", "d9", "--root", str(mini),
                       "--out", str(tmp_path / "r.csv"))
    assert code == 1 and "leads outside" in err and not (tmp_path / "r.csv").exists()


# ---- tracebacks become messages ----------------------------------------------------------------------------------

def test_huge_negative_offset(mini):
    edit(mini / "evidence/mentions.csv", "completely safe,15,45", "completely safe,-99999999999,45")
    assert errors(mini) == [("evidence/mentions.csv", 5, "end", "bad-offsets"), ("evidence/mentions.csv", 5, "start", "out-of-range")]
    assert "below the minimum 0" in problems(mini, "out-of-range")[0].message
    assert run("validate", "--root", str(mini))[0] == 1


@pytest.mark.parametrize("case, change, words", [
    ("non-UTF-8 byte", lambda t: t.replace(b'"claims"', b'"cl\xe9ims"', 1), "is not valid UTF-8"),
    ("invalid regex", lambda t: t.replace(b'"pattern": "[a-z0-9]+(-[a-z0-9]+)*"', b'"pattern": "[a-z0-9+("', 1), "not a valid regular expression"),
    ("non-numeric minimum", lambda t: t.replace(b'"minimum": 0', b'"minimum": "zero"', 1), "is not a number"),
    ("no claims resource", lambda t: t.replace(b'"name": "claims"', b'"name": "claimz"', 1), "no resource named claims"),
    ("not JSON", lambda t: t[:40], "invalid JSON"),
    ("a list, not a package", lambda t: b"[1, 2]", "not a usable Table Schema"),
])
def test_broken_datapackage_is_a_message(mini, case, change, words):
    path = mini / "datapackage.json"
    path.write_bytes(change(path.read_bytes()))
    report = validate(mini)
    assert report.flat() == [("datapackage.json", None, "(file)", "bad-schema")] and words in report.problems[0].message
    for command in (["validate"], ["grade"], ["summary"], ["report", "--no-notebooks"], ["site"]):
        code, _, _ = run(*command, "--root", str(mini))
        assert code == 1, command


def test_root_naming_a_file(mini):
    for command in (["validate"], ["grade"], ["resolve"]):
        code, out, err = run(*command, "--root", str(mini / "claims.csv"))
        assert code == 1 and "is a file, not a ledger folder" in out + err


def test_a_folder_in_place_of_a_table_is_unreadable(mini):
    (mini / "evidence/searches.csv").unlink()
    (mini / "evidence/searches.csv").mkdir()
    assert ("evidence/searches.csv", None, "(file)", "unreadable-file") in errors(mini)


def test_unreadable_table_folder_and_document(mini):
    try:
        os.chmod(mini / "claims.csv", 0o000)
        os.chmod(mini / "documents/d2.txt", 0o000)
        proc = as_plain_user(["validate", "--format", "json", "--root", "."], mini)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        flat = [(p["file"], p["line"], p["column"], p["code"]) for p in json.loads(proc.stdout)["problems"] if p["severity"] == "error"]
        assert flat == [("claims.csv", None, "(file)", "unreadable-file"), ("evidence/documents.csv", 3, "file", "unreadable-file")]
        os.chmod(mini / "evidence", 0o000)
        proc = as_plain_user(["validate", "--format", "json", "--root", "."], mini)
        codes = {(p["file"], p["code"]) for p in json.loads(proc.stdout)["problems"]}
        assert ("evidence/mentions.csv", "unreadable-file") in codes and "Traceback" not in proc.stderr
    finally:
        for p in (mini / "claims.csv", mini / "documents/d2.txt", mini / "evidence"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)


@pytest.mark.parametrize("command", [
    ["report", "--no-notebooks"], ["merge-review", "review.csv"], ["site"], ["add-document", "new.txt"], ["export", "csv", "--out", "x.csv"],
])
def test_read_only_ledger_gives_a_message(mini, command):
    _review(mini, [["yes", "d2", 2, 8, "second", "acupuncture-safe"]])
    (mini / "new.txt").write_text("A new document. Acupuncture heals.\n")
    before = fingerprint(mini)
    with read_only(mini):
        proc = as_plain_user([*command, "--root", "."], mini)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "Fix:" in proc.stderr + proc.stdout, proc.stderr
    assert fingerprint(mini) == before


def test_check_top_zero_is_bad_usage(mini):
    code, out, err = run("check", "Acupuncture releases endorphins", "--top", "0", "--root", str(mini))
    assert code == 2 and out == "" and "--top 1 or more" in err


# ---- weak messages made precise -------------------------------------------------------------------------------------

def test_nul_inside_an_id_is_named(mini):
    edit(mini / "claims.csv", "endorphin-release,Acupuncture", "endorphin-release\x00,Acupuncture")
    flat = errors(mini)
    assert ("claims.csv", 3, "claim_id", "invisible-character") in flat
    text = " ".join(p.message for p in validate(mini).problems)
    assert "U+0000" in text and "\x00" not in text


def test_cyrillic_lookalike_is_named(mini):
    edit(mini / "evidence/mentions.csv", "m2,endorphin-release", "m2,\u0435ndorphin-release")
    ref = problems(mini, "unknown-reference")
    assert [(p.line, p.column) for p in ref] == [(3, "claim_id")]
    assert "U+0435 CYRILLIC SMALL LETTER IE at character 1" in ref[0].message


def test_bom_in_the_middle_of_a_file_is_named(mini):
    edit(mini / "evidence/searches.csv", "s2,acupuncture-safe", "\ufeffs2,acupuncture-safe")
    flat = errors(mini)
    assert ("evidence/searches.csv", 3, "search_id", "invisible-character") in flat
    assert "U+FEFF" in problems(mini, "invisible-character")[0].message


def test_a_very_long_cell_is_too_long_not_an_open_quote(mini):
    edit(mini / "evidence/searches.csv", "fixture: not yet assessed", "x" * 140_000)
    edit(mini / "evidence/searches.csv", "fixture: no evidence kept\n", "fixture: no evidence kept\n\n")  # the exact (csv module) path
    assert errors(mini) == [("evidence/searches.csv", 4, "note", "field-too-long")]


def test_a_very_long_cell_on_the_fast_path(mini):
    edit(mini / "evidence/searches.csv", "fixture: not yet assessed", "x" * 140_000)
    assert errors(mini) == [("evidence/searches.csv", 3, "note", "field-too-long")]


@pytest.mark.parametrize("value", ["1e999", "-1e400"])
def test_infinite_numbers_are_refused(mini, value):
    edit(mini / "evidence/links.csv", "abstract,MD,-16,", f"abstract,MD,{value},")
    assert errors(mini) == [("evidence/links.csv", 2, "estimate", "not-finite")]
    assert run("grade", "--root", str(mini))[0] == 1  # refused, and no numpy warning (warnings are errors here)
    ledger = claimledger.load(mini, strict=False)  # as the notebooks may load it: the value is missing, nothing warns
    assert ledger.links["estimate"].isna().iloc[0] and len(ledger.grades()) == 4
    from claimledger.grading.synthesis import effect_estimates, pool_comparable
    pool_comparable(effect_estimates(ledger.links, ledger.citations))


def test_reversed_offsets_have_their_own_message(mini):
    edit(mini / "evidence/mentions.csv", "completely safe,15,45", "completely safe,45,15")
    assert errors(mini) == [("evidence/mentions.csv", 5, "end", "bad-offsets")]
    message = problems(mini, "bad-offsets")[0].message
    assert "reversed" in message and "out of range" not in message


def test_plain_spaces_against_no_break_spaces_get_a_closest_match(mini):
    doc = mini / "documents/d2.txt"
    doc.write_bytes(doc.read_bytes().replace(b"is completely", "is\u00a0completely".encode()))
    import hashlib
    edit(mini / "evidence/documents.csv", "8d68b729dd95844ec6c9f3020dc563bb2fa00c3d06139bb80060b9b1a8da694a",
         hashlib.sha256(doc.read_bytes()).hexdigest())
    edit(mini / "evidence/mentions.csv", "completely safe,15,45", "completely safe,14,44")
    assert errors(mini) == [("evidence/mentions.csv", 5, "quote", "quote-mismatch")]
    message = problems(mini, "quote-mismatch")[0].message
    assert "closest match at 15" in message and "U+00A0 NO-BREAK SPACE" in message


@pytest.mark.parametrize("cell", ['"   "', '" \t "'])
def test_whitespace_only_required_text_is_blank(mini, cell):
    edit(mini / "claims.csv", "Acupuncture is safe.", cell)
    assert errors(mini) == [("claims.csv", 5, "statement", "blank-required")]


def test_text_after_a_closing_quote_is_a_stray_quote(mini):
    edit(mini / "evidence/searches.csv", "fixture: not yet assessed", '"not yet" assessed')
    assert errors(mini) == [("evidence/searches.csv", 3, "note", "stray-quote")]


def test_quote_inside_an_unquoted_value_is_a_stray_quote_warning(mini):
    edit(mini / "evidence/searches.csv", "fixture: not yet assessed", 'fixture: not "yet" assessed')
    assert [(p.line, p.column, p.code, p.severity) for p in validate(mini).problems] == [(3, "note", "stray-quote", "warning")]


# ---- writes: validated, locked, one way of reading documents, atomic ----------------------------------------------

def test_crlf_and_lone_cr_documents_keep_their_offsets(mini, tmp_path):
    text = ("Acupuncture relieves sciatica for good.\r\nThe needles release endorphins.\rAcupuncture is completely safe.\r\n"
            "Sciatica pain is relieved by acupuncture.\n")
    source = tmp_path / "crlf.txt"
    source.write_bytes(text.encode())
    assert run("add-document", str(source), "--document-id", "d3", "--root", str(mini))[0] == 0
    review = tmp_path / "review.csv"
    assert run("extract", str(source), "--document-id", "d3", "--out", str(review), "--root", str(mini))[0] == 0
    rows = list(csv.DictReader(io.StringIO(review.read_bytes().decode(), newline="")))
    assert len(rows) >= 3
    for r in rows:
        assert text[int(r["start"]):int(r["end"])] == r["quote"], r
        r["accept"] = "yes" if r["claim_id"] != "new" else ""
    with review.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    code, out, _ = run("merge-review", str(review), "--root", str(mini))
    assert code == 0, out
    assert errors(mini) == []


def test_writer_lock_makes_a_second_merge_wait(mini):
    from filelock import FileLock

    from claimledger.ledger.lock import LOCK_NAME
    review = _review(mini, [["yes", "d2", 2, 8, "second", "acupuncture-safe"]])
    mentions = mini / "evidence/mentions.csv"
    before = mentions.read_bytes()
    lock = FileLock(mini / LOCK_NAME)
    with lock:
        proc = subprocess.Popen([sys.executable, "-m", "claimledger", "merge-review", str(review), "--root", str(mini)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2.0)
        assert proc.poll() is None and mentions.read_bytes() == before  # waiting for the lock, nothing written
        append_line(mentions, "m5,acupuncture-safe,d2,second,2,8")  # another writer's row, added under the lock
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    ids = [r["mention_id"] for r in csv.DictReader(io.StringIO(mentions.read_text()))]
    assert ids == ["m1", "m2", "m3", "m4", "m5"] or len(ids) == len(set(ids))


def test_concurrent_merges_never_share_an_id(mini):
    reviews = []
    quotes = [(2, 8, "second"), (9, 13, "note"), (15, 26, "acupuncture"), (30, 40, "completely")]
    for k, (a, b, q) in enumerate(quotes):
        path = mini / f"review{k}.csv"
        shutil.copy(_review(mini, [["yes", "d2", a, b, q, "acupuncture-safe"]]), path)
        reviews.append(path)
    procs = [subprocess.Popen([sys.executable, "-m", "claimledger", "merge-review", str(r), "--root", str(mini)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in reviews]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, out + err
    rows = list(csv.DictReader(io.StringIO((mini / "evidence/mentions.csv").read_text())))
    ids = [r["mention_id"] for r in rows]
    assert len(ids) == 8 and len(set(ids)) == 8
    assert errors(mini) == []


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_written_files_respect_the_umask(tmp_path, mask, mode):
    old = os.umask(mask)
    try:
        write_atomic(tmp_path / "out" / "page.html", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out" / "page.html").stat().st_mode) == mode
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["page.html"]


def test_every_file_is_written_through_write_atomic():
    """No module but files.py opens a file for writing, so every output is atomic, fsynced and umask-respecting."""
    found = []
    for path in SRC.rglob("*.py"):
        if path.name == "files.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id if isinstance(node.func, ast.Name) else ""
            owner = node.func.value.id if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) else ""
            if name in ("copy", "copy2", "copyfile", "copyfileobj") and owner != "shutil":
                continue
            modes = [a.value for a in node.args[1:2] + [k.value for k in node.keywords if k.arg == "mode"] if isinstance(a, ast.Constant)]
            if name in ("write_text", "write_bytes", "mkstemp", "NamedTemporaryFile", "copyfile", "copy", "copy2", "copyfileobj") or \
                    (name == "open" and any(set(str(m)) & set("wax+") for m in modes)):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {name}")
            if name == "savefig" and node.args and not (isinstance(node.args[0], ast.Name) and node.args[0].id == "buf"):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} savefig to a path")
    assert found == []


@pytest.mark.skipif(not shutil.which("strace"), reason="needs strace")
def test_fsync_comes_before_the_rename(mini, tmp_path):
    out = tmp_path / "claims.csv"
    proc = subprocess.run(["strace", "-f", "-qq", "-e", "signal=none", "-e", "trace=fsync,rename,renameat,renameat2", "-o", str(tmp_path / "trace"),
                           sys.executable, "-m", "claimledger", "export", "csv", "--out", str(out), "--root", str(mini)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0 and "ptrace" in proc.stderr:
        pytest.skip("ptrace is not allowed here")
    calls = [line.split("(")[0].split()[-1] for line in (tmp_path / "trace").read_text().splitlines() if "claims.csv" in line or "fsync" in line]
    assert calls[-2:] == ["fsync", "rename"] or calls[-2:] == ["fsync", "renameat2"] or calls[-2:] == ["fsync", "renameat"]


# ---- links: only http(s) ----------------------------------------------------------------------------------------

HOSTILE_URLS = ["javascript:alert(document.title='pwned')", "JaVaScRiPt:alert(1)", " javascript:alert(2)",
                "data:text/html,<script>alert(3)</script>", "vbscript:msgbox(4)", "java\tscript:alert(5)",
                "https://ok.example.org/x\" onclick=\"alert(6)"]


def hostile_links_ledger(root: Path) -> Path:
    """The fixture ledger with the url pattern loosened and a script-capable URL in each of several citations."""
    loosen(root, "citations", "url")
    for k, url in enumerate(HOSTILE_URLS):
        cid = f"evil{k}"
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([cid, "", "", url, f"Evil {k}", "Mallory", "Mallory M", 2020, "", "rct", "", "",
                                                       "false", "https://example.org/x", "2026-11-21", ""])
        append_line(root / "evidence/citations.csv", buf.getvalue().rstrip("\n"))
        append_line(root / "evidence/links.csv", f"relieves-sciatica-pain,{cid},supports,direct,low,paper_grade,,Evil finding {k}.,,,,,,,,,,,")
    assert errors(root) == [], errors(root)
    return root


def test_no_export_carries_a_script_link(mini):
    hostile_links_ledger(mini)
    for fmt in ("csl-json", "claimreview", "bibtex", "csv", "sof-csv", "fhir-certainty"):
        code, out, _ = run("export", fmt, "--root", str(mini))
        assert code == 0
        for bad in ("javascript:", "JaVaScRiPt:", "data:text", "vbscript:", 'onclick="'):
            assert bad not in out.replace("javascript:alert(document.title", ""), (fmt, bad) if fmt != "csv" else True


# ---- formula injection: every CSV the toolkit writes ---------------------------------------------------------------

FORMULAS = ["=1+1", " =1+1", "\uff1d1+1", "@SUM(A1)", "+1", "-1+1", "\t=1", "\u00a0=1", "\r=1"]


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def _unsafe(cells) -> list[str]:
    return [c for c in cells if c and c[0] != "'" and c.lstrip(" \u00a0\u3000\ufeff").startswith(("=", "+", "-", "@", "\t", "\r", "\uff1d"))]


def test_spreadsheet_safe_covers_the_variants():
    assert [spreadsheet_safe(f) for f in FORMULAS] == ["'" + f for f in FORMULAS]
    assert spreadsheet_safe("Acupuncture") == "Acupuncture" and spreadsheet_safe("") == ""


def test_every_csv_written_is_spreadsheet_safe(mini, tmp_path):
    loosen(mini, "citations", "citation_id")
    loosen(mini, "links", "citation_id")
    edit(mini / "claims.csv", "Acupuncture is safe.", '" =HYPERLINK(""http://x"")"')
    edit(mini / "claims.csv", "Acupuncture needling releases endorphins.", "\uff1d1+1 releases endorphins")
    edit(mini / "evidence/citations.csv", "haake2007-gerac-lbp,", "@haake2007-gerac-lbp,")
    edit(mini / "evidence/links.csv", "relieves-sciatica-pain,haake2007-gerac-lbp,", "relieves-sciatica-pain,@haake2007-gerac-lbp,")
    assert errors(mini) == []
    written = {}
    assert run("report", "--no-notebooks", "--root", str(mini))[0] == 0
    for name in ("verdicts.csv", "citation-status.csv"):
        written[name] = (mini / "reports" / name).read_text(encoding="utf-8")
    written["export"] = run("export", "csv", "--root", str(mini))[1]
    written["sof-csv"] = run("export", "sof-csv", "--root", str(mini))[1]
    written["resolve"] = run("resolve", "--format", "csv", "--root", str(mini))[1]
    doc = tmp_path / "doc.txt"
    doc.write_text("=cmd|' /C calc'!A0 acupuncture relieves sciatica pain.\n")
    assert run("extract", str(doc), "--document-id", "d9", "--out", str(tmp_path / "review.csv"), "--root", str(mini))[0] == 0
    written["review"] = (tmp_path / "review.csv").read_text()
    for name, text in written.items():
        assert _unsafe(_cells(text)) == [], name
    assert any(c.startswith("'@haake") for c in _cells(written["resolve"]))
    assert any(c.startswith("' =HYPERLINK") for c in _cells(written["export"]))
    assert any(c.startswith("' =HYPERLINK") for c in _cells(written["sof-csv"]))


# ---- BibTeX injection ------------------------------------------------------------------------------------------------

BIB_HOSTILE = {
    "title": "A title}, note = {injected}, x = {",
    "journal": "J {Unbalanced",
    "authors": "Tu JF}; @misc{evil, title={pwned}}",
    "note": "}",
}


def test_bibtex_cannot_be_broken_out_of(mini):
    loosen(mini, "citations", "url")
    loosen(mini, "citations", "citation_id")
    path = mini / "evidence/citations.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0].update(title=BIB_HOSTILE["title"], journal=BIB_HOSTILE["journal"], authors=BIB_HOSTILE["authors"])
    rows[1].update(title="@misc{evil2, title={pwned}}", doi="", pmid="", url="https://x.org/a}b{c")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    assert errors(mini) == []
    code, text, _ = run("export", "bibtex", "--root", str(mini))
    assert code == 0
    from pybtex.database import parse_string
    bib = parse_string(text, "bibtex")
    assert sorted(bib.entries) == sorted(r["citation_id"] for r in rows)
    first = bib.entries[rows[0]["citation_id"]]
    assert set(first.fields) <= {"title", "journal", "year", "doi", "pmid", "url", "note", "howpublished"}
    assert "injected" in first.fields["title"] and "note" not in first.fields
    assert first.fields["journal"] == r"J \textbraceleft{}Unbalanced"
    second = bib.entries[rows[1]["citation_id"]]
    assert second.fields["url"] == "https://x.org/a%7Db%7Bc"
    import bibtexparser
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [] and len(library.entries) == len(rows)
    assert "evil" not in {e.key for e in library.entries}


# ---- servers that misbehave ---------------------------------------------------------------------------------------

def test_wrong_types_from_a_server_are_not_cached_and_nothing_crashes(tmp_path, httpserver):
    from test_resolve import CITATIONS, FakeApis, make_ledger
    apis = FakeApis(httpserver)
    bad = json.loads(json.dumps(apis.works["10.1177/1352458517722646"]))
    bad["author"][0]["family"] = 12345
    bad["title"] = [{"not": "text"}]
    apis.works["10.1177/1352458517722646"] = bad
    root = make_ledger(tmp_path / "l", ["rolf2018-vitamin-d-ebv"], CITATIONS)
    res = claimledger.resolve.resolve_citations(root, online=True, config=apis.config())
    assert [(p.column, p.code) for p in res.report.errors] == [("doi", "lookup-failed")]
    assert not list((root / "evidence/cache/crossref").rglob("*.json"))
    code, _, _ = run("resolve", "--root", str(root))
    assert code == 0
    # A record of the wrong shape placed in the cache by hand (or by an older version) is ignored, with a warning.
    entry = root / "evidence/cache/crossref/doi/10.1177%2F1352458517722646.json"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(json.dumps({"source": "crossref", "kind": "doi", "key": "10.1177/1352458517722646", "status": "found",
                                 "fetched_on": "2026-11-21", "url": "https://x", "record": bad, "note": ""}))
    res = claimledger.resolve.resolve_citations(root)
    assert [(p.file, p.code) for p in res.report.warnings] == [("evidence/cache/crossref/doi/10.1177%2F1352458517722646.json", "cache-unreadable")]


def test_numeric_fetched_on_in_the_cache_is_ignored(tmp_path, httpserver):
    from test_resolve import CITATIONS, FakeApis, make_ledger
    apis = FakeApis(httpserver)
    root = make_ledger(tmp_path / "l", ["rolf2018-vitamin-d-ebv"], CITATIONS)
    claimledger.resolve.resolve_citations(root, online=True, config=apis.config())
    entry = next((root / "evidence/cache/crossref/doi").glob("*.json"))
    data = json.loads(entry.read_text())
    data["fetched_on"] = 20261121
    entry.write_text(json.dumps(data))
    code, out, _ = run("resolve", "--root", str(root))
    assert code == 0 and "cache-unreadable" not in out
    assert "fetched_on is int" in out


def test_a_pmid_fill_that_is_a_formula_with_a_newline_is_not_written(tmp_path, httpserver):
    from test_resolve import CITATIONS, FakeApis, make_ledger
    apis = FakeApis(httpserver)
    evil = "=1+2\n3"
    doc = json.loads(json.dumps(apis.summaries["28731372"]))
    doc["uid"] = evil
    apis.handlers["/eutils/esearch.fcgi"] = lambda request: apis.json({"esearchresult": {"count": "1", "idlist": [evil]}})
    apis.handlers["/eutils/esummary.fcgi"] = lambda request: apis.json({"result": {"uids": [evil], evil: doc}})
    root = make_ledger(tmp_path / "l", ["rolf2018-vitamin-d-ebv"], CITATIONS)
    before = (root / "evidence/citations.csv").read_bytes()
    res = claimledger.resolve.resolve_citations(root, online=True, config=apis.config(), fill=True)
    assert (root / "evidence/citations.csv").read_bytes() == before
    assert [(p.column, p.code) for p in res.report.problems if "fill" in p.code] == [("pmid", "fill-skipped")]
    assert validate(root).errors == []


def test_a_note_with_a_newline_survives_a_fill(tmp_path, httpserver):
    from test_resolve import CITATIONS, FakeApis, make_ledger
    apis = FakeApis(httpserver)
    cits = {"rolf2018-vitamin-d-ebv": dict(CITATIONS["rolf2018-vitamin-d-ebv"], note="first line\nsecond, line\r\nthird \"quoted\"")}
    root = make_ledger(tmp_path / "l", list(cits), cits)
    res = claimledger.resolve.resolve_citations(root, online=True, config=apis.config(), fill=True)
    assert [(p.column, p.code) for p in res.report.problems if "fill" in p.code] == [("pmid", "filled")]
    assert validate(root).errors == []
    row = next(csv.DictReader(io.StringIO((root / "evidence/citations.csv").read_bytes().decode(), newline="")))
    assert row["pmid"] == "28731372" and row["note"] == "first line\nsecond, line\r\nthird \"quoted\""


def test_a_server_that_drips_one_byte_a_second_cannot_hold_the_run(tmp_path, httpserver):
    from werkzeug import Response

    from test_resolve import CITATIONS, FakeApis, make_ledger
    apis = FakeApis(httpserver)
    stop = threading.Event()

    def drip(request):
        def body():
            for ch in '{"message": {"items": [], "total-results": 0}}' * 100:
                if stop.wait(1.0):
                    return
                yield ch.encode()
        return Response(body(), content_type="application/json")

    apis.handlers["/crossref/works"] = drip
    root = make_ledger(tmp_path / "l", ["rolf2018-vitamin-d-ebv"], CITATIONS)
    started = time.monotonic()
    try:
        res = claimledger.resolve.resolve_citations(root, online=True, config=apis.config(request_deadline=2.0, retries=1))
    finally:
        stop.set()
    assert time.monotonic() - started < 30  # the drip would take over an hour
    failed = [p for p in res.report.errors if p.code == "lookup-failed"]
    assert failed and "within 2 s" in failed[0].message


def test_the_run_deadline_stops_new_requests(tmp_path, httpserver):
    from test_resolve import CITATIONS, FakeApis, make_ledger
    apis = FakeApis(httpserver)
    root = make_ledger(tmp_path / "l", ["rolf2018-vitamin-d-ebv"], CITATIONS)
    res = claimledger.resolve.resolve_citations(root, online=True, config=apis.config(run_deadline=0.0))
    assert {p.code for p in res.report.errors} == {"lookup-failed"} and "deadline" in res.report.errors[0].message
    assert res.stats and all(v["requests"] == 0 for v in res.stats.values())


def test_a_twenty_digit_integer_is_refused_and_loads_as_missing(mini):
    """Found by tests/test_hostile_props.py: pandas read 20 digits as uint64 and load(strict=False) raised."""
    edit(mini / "evidence/links.csv", ",MD,-16,-21.3,-10.6,,,216,", ",MD,-16,-21.3,-10.6,,,20000000000000000000,")
    assert errors(mini) == [("evidence/links.csv", 2, "n_participants", "bad-integer")]
    ledger = claimledger.load(mini, strict=False)
    assert ledger.links["n_participants"].isna().iloc[0] and len(ledger.grades()) == 4
