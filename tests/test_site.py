"""claimledger.site: the static claim explorer, checked as text and in a real headless Chromium."""
from __future__ import annotations

import json
import os
import re
import shutil

import pytest

import claimledger
from claimledger.cli import main
from claimledger.render.checks import draft_html
from claimledger.render.explorer import site_data
from claimledger.render.explorer import write_explorer as write_site
from claimledger.templating import script_json as embed_json
from claimledger.writers import Checker
from conftest import DATA

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"]
INSTALL = ("needs a headless Chromium driven by playwright: apt-get install -y chromium "
           "(or set CLAIMLEDGER_CHROMIUM to a Chromium binary) and pip install playwright; never `playwright install`")


def _embedded(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="ledger-data">(.*?)</script>', page, re.DOTALL)
    assert m, "the page embeds its data"
    return json.loads(m.group(1))


def test_site_page_is_self_contained_and_escapes_claim_text(mini):
    path = write_site(claimledger.load(mini), mini / "reports" / "explorer")
    assert path == mini / "reports" / "explorer" / "index.html"
    page = path.read_text(encoding="utf-8")
    # Exactly two script elements (data and code), no external resources, a CSP that forbids requests.
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "default-src 'none'" in page
    assert "innerHTML" not in page and "textContent" in page
    # The fixture claim <script>alert("x")</script> is data, never markup.
    assert 'alert("x")' not in page and "\\u003cscript\\u003ealert" in page
    data = _embedded(page)
    assert [c["id"] for c in data["claims"]] == ["relieves-sciatica-pain", "endorphin-release", "qi-meridians", "acupuncture-safe"]
    qi = data["claims"][2]
    assert qi["statement"] == 'Qi flows in meridians <script>alert("x")</script>.' and qi["verdict"] == "untestable"
    assert qi["quotes"] == [{"document_id": "d1", "quote": '<script>alert("x")</script> & qi flows in meridians', "mention_id": "m3"}]
    first = data["claims"][0]
    assert [(e["citation_id"], e["stance"], e["deciding"], e["link"]) for e in first["evidence"]] == [
        ("tu2024-acupuncture-vs-sham", "supports", True, "https://doi.org/10.1001/jamainternmed.2024.5463"),
        ("haake2007-gerac-lbp", "no_effect_shown", True, "https://doi.org/10.1001/archinte.167.17.1892"),
    ]
    assert data["documents"] == [{"id": "d1", "label": "Needles for back pain"}, {"id": "d2", "label": ""}]


def test_embed_json_cannot_close_its_script_element():
    text = embed_json({"x": "</script><!-- & -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": "</script><!-- & -->"}


def test_site_command_writes_the_default_path(mini, capsys):
    assert main(["site", "--root", str(mini)]) == 0
    out = mini / "reports" / "explorer" / "index.html"
    assert capsys.readouterr().out == f"wrote {out} (open it in a browser; it needs no server)\n"
    assert len(_embedded(out.read_text(encoding="utf-8"))["claims"]) == 4


def test_site_data_on_the_real_ledger_covers_every_claim(repo_ledger):
    ledger = claimledger.load(repo_ledger)
    data = site_data(ledger)
    assert len(data["claims"]) == len(ledger.claims)
    assert sum(len(c["quotes"]) for c in data["claims"]) == len(ledger.mentions)
    assert {c["verdict"] for c in data["claims"]} <= {v["id"] for v in data["verdicts"]}


def _chromium() -> str:
    exe = os.environ.get("CLAIMLEDGER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe or not os.path.exists(exe):
        pytest.skip("no Chromium found: this test " + INSTALL)
    return exe


@pytest.fixture
def browser():
    exe = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: this test " + INSTALL)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=BROWSER_ARGS)
        try:
            yield b
        finally:
            b.close()


def _open(browser, path):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    problems = []
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type in ("error", "warning") else None)
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: problems.append(f"request: {r.url}") if not r.url.startswith("file://") else None)
    page.goto(path.as_uri())
    return page, problems


@pytest.mark.browser
def test_explorer_in_headless_chromium(browser, mini, tmp_path):
    path = write_site(claimledger.load(mini), tmp_path / "explorer")
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    page, problems = _open(browser, path)
    cards = page.locator("details.card")
    visible = page.locator("details.card:not([hidden])")
    assert cards.count() == 4 and page.locator("#count").text_content() == "4 of 4 claims"
    page.fill("#q", "endorphins")
    assert page.locator("#count").text_content() == "1 of 4 claims"
    assert visible.count() == 1 and visible.first.get_attribute("data-claim") == "endorphin-release"
    page.fill("#q", "")
    page.select_option("#verdict", "no_evidence_found")
    assert [visible.nth(i).get_attribute("data-claim") for i in range(visible.count())] == ["endorphin-release", "acupuncture-safe"]
    page.select_option("#verdict", "")
    page.select_option("#document", "d2")
    assert page.locator("#count").text_content() == "1 of 4 claims"
    page.select_option("#document", "")
    page.select_option("#category", "theory")
    qi = page.locator('details.card[data-claim="qi-meridians"]')
    assert visible.count() == 1 and qi.is_visible()
    page.select_option("#category", "")
    page.fill("#q", "zzzz no such claim")
    assert page.locator("#empty").is_visible() and page.locator("#count").text_content() == "0 of 4 claims"
    page.fill("#q", "sciatica")
    card = page.locator('details.card[data-claim="relieves-sciatica-pain"]')
    card.locator("summary").click()
    assert card.get_attribute("open") is not None
    body = card.locator(".body")
    assert "Acupuncture relieves sciatica for good." in body.text_content()
    link = card.locator('a[href="https://doi.org/10.1001/jamainternmed.2024.5463"]')
    assert link.count() == 1 and link.text_content() == "https://doi.org/10.1001/jamainternmed.2024.5463"
    # The hostile claim text shows as text: no element was created from it.
    page.fill("#q", "qi")
    qi.locator("summary").click()
    assert 'alert("x")' in qi.locator(".statement").text_content()
    assert page.locator("script").count() == 2
    page.screenshot(path=str(artifacts / "explorer.png"), full_page=True)
    assert (artifacts / "explorer.png").stat().st_size > 10_000
    assert problems == []


@pytest.mark.browser
def test_draft_html_in_headless_chromium(browser, mini, tmp_path):
    report = Checker(claimledger.load(mini)).check_draft(
        "Acupuncture eases sciatic pain.\nThe needles make your body release endorphins. <img src=x onerror=alert(1)>\n", name="draft.md")
    path = tmp_path / "draft.html"
    path.write_text(draft_html(report), encoding="utf-8")
    page, problems = _open(browser, path)
    marks = page.locator("a.claim")
    assert marks.count() == 2
    marks.nth(1).click()  # the highlighted sentence leads to its note: the claim's verdict and careful wording
    note = page.locator("li:target")
    assert "No studies were found that test this" in note.text_content() and "no evidence found" in note.text_content()
    assert page.locator("img").count() == 0 and page.locator("script").count() == 0
    page.screenshot(path=str(tmp_path / "draft.png"), full_page=True)
    assert problems == []


@pytest.mark.browser
def test_explorer_search_ranks_claims_as_check_does(browser, repo_ledger, tmp_path):
    """The explorer's JavaScript matcher finds, for the same words, the claims the Python matcher finds, in order."""
    import csv

    from claimledger.writers.checker import POSSIBLE
    from claimledger.writers.match import ClaimIndex

    ledger = claimledger.load(repo_ledger)
    path = write_site(ledger, tmp_path / "explorer")
    page, problems = _open(browser, path)
    with open(DATA / "writers" / "dev" / "sentences.csv", encoding="utf-8") as f:
        queries = [r["sentence"] for r in csv.DictReader(f)]
    queries += ["nerve regrow", "endorphins", "swelling on the nerve", "painkillers wear off", "is acupuncture safe?",
                "desensitise", "grow back", "qi", "zzzz no such words"]
    index = ClaimIndex.from_ledger(ledger)
    expected = [index.find(q, POSSIBLE, 10) for q in queries]
    found = page.evaluate("""(queries) => {
        const data = JSON.parse(document.getElementById("ledger-data").textContent);
        const m = new ClaimMatcher(data.index, data.index_claims);
        return queries.map(q => m.find(q, data.possible, 10));
    }""", queries)
    differ = [(q, e, f) for q, e, f in zip(queries, expected, found) if e != f]
    assert differ == [] and sum(bool(e) for e in expected) > len(queries) // 2
    page.fill("#q", "nerve regrow")
    first = page.locator("details.card:not([hidden])").first
    assert first.get_attribute("data-claim") == "sciatic-nerve-regeneration"
    assert problems == []


@pytest.mark.browser
def test_explorer_stemmer_is_the_snowball_stemmer(browser, repo_ledger, tmp_path):
    """templates/stemmer.js stems every word of the ledger, and its inflections, as the snowballstemmer package does."""
    import snowballstemmer

    words = set()
    for path in [*(repo_ledger / "documents").glob("*.txt"), *(repo_ledger / "evidence").glob("*.csv"), repo_ledger / "claims.csv"]:
        words |= set(re.findall(r"[a-z]+", path.read_text(encoding="utf-8").lower()))
    suffixes = ["s", "es", "ed", "ing", "ingly", "edly", "er", "ly", "ation", "ational", "ment", "ive", "ity", "ness", "fulness",
                "ously", "ization", "ical", "ically", "able", "ible", "ance", "ence", "ies", "ied", "eed", "li", "bli", "ogi", "'s"]
    words = sorted(words | {w + s for w in words for s in suffixes} | {"skis", "dying", "inning", "succeed", "news", "past", "sky"})
    stem = snowballstemmer.stemmer("english").stemWord
    path = write_site(claimledger.load(repo_ledger), tmp_path / "explorer")
    page, problems = _open(browser, path)
    found = page.evaluate("(words) => words.map(w => snowballEnglish(w))", words)
    differ = [(w, stem(w), f) for w, f in zip(words, found) if stem(w) != f]
    assert len(words) > 20_000 and differ == []
    assert problems == []
