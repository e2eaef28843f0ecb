"""No page claimledger writes lets a ledger run a script (issue 13), checked in a real headless Chromium.

The fixture ledger gets the schema's url pattern loosened and citations whose URL is ``javascript:``,
``data:``, ``vbscript:`` and disguised variants, plus markup in claim text and in a draft. Every page the
toolkit writes (the report's index, the claim audit notebook as HTML, the claim explorer, a checked
draft) is opened; every card is opened and every link clicked. No dialog may appear, the title may not
change, and no link, form or frame may point to anything but http(s) or a file of the report.
"""
from __future__ import annotations

import shutil

import pytest

from conftest import REPO
from hostile import edit, run
from test_hostile import HOSTILE_URLS, hostile_links_ledger
from test_site import _open, browser  # noqa: F401 -- the browser fixture

LINKS_JS = """() => Array.from(document.querySelectorAll('a[href], area[href], form[action], iframe[src], embed[src], object[data], '
  + 'button[formaction], base[href], meta[http-equiv]')).map(e => [e.tagName, e.getAttribute('href') || e.getAttribute('action')
  || e.getAttribute('src') || e.getAttribute('data') || e.getAttribute('formaction') || e.getAttribute('content') || '',
  e.href || e.action || e.src || ''])"""
BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "blob:", "filesystem:")


def _bad_links(page) -> list:
    out = []
    for tag, raw, resolved in page.evaluate(LINKS_JS):
        if tag == "META":
            continue
        text = (resolved or raw).strip().lower().replace("\t", "").replace("\n", "")
        if text.startswith(BAD_SCHEMES) or not text.startswith(("http://", "https://", "file://", "#")):
            out.append((tag, raw))
    return out


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """A report built from the hostile ledger: index, claim audit notebook, explorer; and a checked draft."""
    root = tmp_path_factory.mktemp("pages") / "mini"
    shutil.copytree(REPO / "tests" / "data" / "mini", root)
    hostile_links_ledger(root)
    edit(root / "claims.csv", "Acupuncture is safe.", '"Acupuncture is safe <img src=x onerror=alert(7)> <a href=""javascript:alert(8)"">x</a>."')
    (root / "notebooks").mkdir()
    shutil.copy(REPO / "notebooks" / "03-claim-audit.ipynb", root / "notebooks")
    code, _, err = run("report", "--root", str(root))
    assert code == 0, err
    draft = root / "draft.md"
    draft.write_text("Acupuncture relieves sciatica pain. <script>alert(9)</script> [x](javascript:alert(10))\n", encoding="utf-8")
    run("check", "--file", str(draft), "--html", str(root / "reports" / "draft.html"), "--root", str(root))
    return root / "reports"


PAGES = ["index.html", "03-claim-audit.html", "explorer/index.html", "draft.html"]


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGES)
def test_no_page_runs_a_script_from_the_ledger(browser, hostile_report, name):  # noqa: F811
    path = hostile_report / name
    assert path.is_file()
    page, problems = _open(browser, path)
    for summary in page.locator("details > summary").all():
        summary.click()
    assert _bad_links(page) == []
    for shown in page.get_by_text("javascript:", exact=False).all():  # a hostile URL shown as text does nothing when clicked
        if shown.is_visible():
            shown.click()
    dialogs = [p for p in problems if p.startswith("dialog")]
    assert dialogs == [] and page.title() != "pwned"
    page.close()


def test_hostile_urls_are_shown_as_text_not_links(hostile_report):
    audit = (hostile_report / "03-claim-audit.html").read_text(encoding="utf-8")
    index = (hostile_report / "index.html").read_text(encoding="utf-8")
    explorer = (hostile_report / "explorer" / "index.html").read_text(encoding="utf-8")
    for page in (audit, index, explorer):
        for url in HOSTILE_URLS:
            assert f'href="{url}' not in page
    assert "evil0" in audit and "evil0" in explorer
