"""A new topic from `claimledger init`: one document, one claim, one link. The report must be complete on it:
every notebook executed, every local link resolves, no blank figure, no empty section, correct plurals, no warning
in any notebook output, and no figure drawn twice."""
from __future__ import annotations

import csv
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import numpy as np
import pytest
from matplotlib.image import imread

from claimledger.build import build_report
from hostile import run
from test_site import _open, browser  # noqa: F401 -- the browser fixture

REPO = Path(__file__).resolve().parents[1]
DOC = "Acupuncture eases leg pain from a herniated disc.\n"


def _row(path: Path, **values) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with open(path, "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow([values.get(h, "") for h in header])


def _repo_row(table: str, **match) -> dict:
    with open(REPO / table, encoding="utf-8", newline="") as f:
        return next(r for r in csv.DictReader(f) if all(r[k] == v for k, v in match.items()))


@pytest.fixture(scope="module")
def topic(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("topic") / "sciatica-notes"
    assert run("init", str(root))[0] == 0
    text = root.parent / "note.txt"
    text.write_text(DOC, encoding="utf-8")
    assert run("add-document", str(text), "--document-id", "note", "--root", str(root))[0] == 0
    _row(root / "claims.csv", claim_id="eases-leg-pain", statement="Acupuncture eases sciatic leg pain.", category="efficacy",
         testable="true")
    _row(root / "evidence/mentions.csv", mention_id="m1", claim_id="eases-leg-pain", document_id="note",
         quote="Acupuncture eases leg pain", start=0, end=26)
    _row(root / "evidence/citations.csv", **_repo_row("evidence/citations.csv", citation_id="tu2024-acupuncture-vs-sham"))
    link = _repo_row("evidence/links.csv", claim_id="relieves-sciatica-pain", citation_id="tu2024-acupuncture-vs-sham")
    _row(root / "evidence/links.csv", **{**link, "claim_id": "eases-leg-pain"})
    code, out, err = run("validate", "--root", str(root))
    assert code == 0, out + err
    build_report(root)
    return root


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.ids, self.headings, self.text = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.refs += [a[k] for k in ("href", "src") if a.get(k)]
        if a.get("id"):
            self.ids.add(a["id"])

    def handle_data(self, data):
        self.text.append(data)


def _parse(path: Path) -> _Refs:
    p = _Refs()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_every_notebook_executed(topic):
    out = topic / "reports"
    assert sorted(p.name for p in out.glob("0*.html")) == ["01-overview.html", "02-evidence-map.html", "03-claim-audit.html",
                                                           "04-efficacy-synthesis.html"]
    for nb_path in sorted((out / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(c.get("execution_count") for c in code), nb_path.name
        assert not [o for c in code for o in c.outputs if o.output_type == "error"], nb_path.name


def test_every_local_link_resolves(topic):
    out = topic / "reports"
    pages = [out / "index.html", *sorted(out.glob("0*.html")), out / "explorer" / "index.html"]
    broken = []
    for page in pages:
        parsed = _parse(page)
        for ref in parsed.refs:
            if re.match(r"^(https?:|mailto:|data:image/)", ref):
                continue
            target, _, anchor = ref.partition("#")
            dest = (page.parent / target).resolve() if target else page
            if not dest.is_file():
                broken.append(f"{page.name} -> {ref}")
            elif anchor and anchor not in _parse(dest).ids:
                broken.append(f"{page.name} -> {ref} (no such anchor)")
    assert broken == []


def test_no_figure_is_blank(topic):
    figures = sorted((topic / "reports" / "figures").glob("*.png"))
    assert {"verdicts.png", "evidence-map.png", "evidence-by-year.png", "claims-by-document.png"} <= {p.name for p in figures}
    for png in figures:
        pixels = imread(png)[..., :3]
        ink = (pixels.mean(axis=2) < 0.9).mean()  # share of pixels that are not (near) white
        assert ink > 0.004, f"{png.name} is (nearly) blank"
        colours = {tuple(c) for c in np.round(pixels.reshape(-1, 3)[::7] * 255).astype(int)}
        assert len(colours) > 3, f"{png.name} has no data drawn"


def test_index_has_no_empty_section_and_right_plurals(topic):
    html = (topic / "reports" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", " ".join(_parse(topic / "reports" / "index.html").text))
    assert "1 claim from 1 document" in text
    assert not re.search(r"\b1 (claims|documents|citations|assessments|figures)\b", text)
    sections = re.split(r"<h2[^>]*>", html)[1:]
    assert all(re.sub(r"<[^>]+>|\s", "", s.split("</h2>", 1)[1]) for s in sections), "a heading with nothing under it"


def test_no_warning_and_no_duplicate_image_in_any_notebook(topic):
    for nb_path in sorted((topic / "reports" / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"], nb_path.name
        images = [hashlib.sha256(o.data["image/png"].encode()).hexdigest() for o in outputs if "image/png" in o.get("data", {})]
        assert len(images) == len(set(images)), f"{nb_path.name} shows a figure twice"


def test_executed_notebooks_name_no_folder_of_this_machine(topic):
    for nb_path in sorted((topic / "reports" / "notebooks").glob("*.ipynb")):
        assert str(topic) not in nb_path.read_text(encoding="utf-8"), nb_path.name
    assert str(topic) not in (topic / "reports" / "index.html").read_text(encoding="utf-8")


@pytest.mark.browser
def test_index_page_sorts_filters_and_shows_its_figures(topic, browser):  # noqa: F811 -- the browser fixture
    page, problems = _open(browser, topic / "reports" / "index.html")
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"), "a figure did not load"
    assert page.locator("#verdicts tbody tr").count() == 1
    page.fill("#filter", "no such words anywhere")
    assert page.locator("#verdicts tbody tr:not([hidden])").count() == 0 and page.inner_text("#shown") == "0 claims of 1"
    page.fill("#filter", "")
    page.click("#verdicts th:nth-child(3)")
    assert page.get_attribute("#verdicts th:nth-child(3)", "aria-sort") == "ascending"
    assert problems == []


@pytest.mark.browser
def test_index_verdict_column_sorts_by_the_scale(repo_ledger, tmp_path, browser):  # noqa: F811
    out = tmp_path / "out"
    build_report(repo_ledger, out=out, execute=False)
    page, problems = _open(browser, out / "index.html")
    page.click("#verdicts th:nth-child(3)")
    ranks = page.eval_on_selector_all("#verdicts tbody tr td:nth-child(3)", "cells => cells.map(c => Number(c.dataset.rank))")
    assert ranks == sorted(ranks) and len(set(ranks)) > 3
    page.select_option("#group", "background")
    shown = page.eval_on_selector_all("#verdicts tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.group)")
    assert shown and set(shown) == {"background"}
    link = page.locator("#verdicts a[href^='https://']").first
    assert link.count() == 1  # citation ids in reasons link to their records
    assert problems == []
