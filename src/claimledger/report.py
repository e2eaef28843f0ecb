"""Summary tables and the written report (reports/ is generated only)."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def summarise(ledger) -> dict[str, pd.DataFrame]:
    """Counts by category and by document, as DataFrames."""
    claims = ledger.claims
    by_category = (claims["category"].value_counts(sort=False).rename_axis("category").reset_index(name="claims"))
    m = ledger.mentions
    by_document = (m.groupby("document_id", observed=True)
                   .agg(mentions=("mention_id", "size"), claims=("claim_id", "nunique")).reset_index())
    docs = ledger.documents[["document_id", "file"]]
    by_document = docs.merge(by_document, on="document_id", how="left").fillna({"mentions": 0, "claims": 0})
    by_document[["mentions", "claims"]] = by_document[["mentions", "claims"]].astype(int)
    cat_doc = (m.merge(claims[["claim_id", "category"]], on="claim_id").drop_duplicates(["claim_id", "document_id"])
               .pivot_table(index="category", columns="document_id", values="claim_id", aggfunc="count", fill_value=0, observed=False))
    return {"by_category": by_category, "by_document": by_document, "category_by_document": cat_doc}


def _md_table(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        out.append("| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |")
    return "\n".join(out)


def summary_markdown(ledger) -> str:
    s = summarise(ledger)
    cd = s["category_by_document"].reset_index()
    cd.columns = [str(c) for c in cd.columns]
    return "\n\n".join([
        "# Ledger summary",
        (f"{len(ledger.claims)} claims, {len(ledger.mentions)} mentions in {len(ledger.documents)} documents, "
         f"{len(ledger.tables.get('citations', []))} citations, {len(ledger.tables.get('links', []))} evidence links."),
        "## Claims by category", _md_table(s["by_category"]),
        "## Mentions and claims by document", _md_table(s["by_document"]),
        "## Claims by category and document", _md_table(cd),
    ]) + "\n"




def citation_link(row) -> str:
    """The best link to a citation: its DOI, else its PubMed record, else its URL ("" if none)."""
    def text(key):
        v = row.get(key)
        return "" if v is None or pd.isna(v) else str(v).strip()
    doi, pmid, url = text("doi"), text("pmid"), text("url")
    if doi:
        return f"https://doi.org/{doi}"
    if pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    return url


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells (deciding citations, sources) as space-separated text."""
    out = frame.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: " ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def safe_csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV, safe to open in a spreadsheet (formula cells neutralised, list cells joined)."""
    from .files import csv_text, spreadsheet_safe
    flat = _flat(frame)
    rows = ([spreadsheet_safe("" if pd.isna(v) else v) for v in row] for row in flat.astype(object).itertuples(index=False))
    return csv_text([str(c) for c in flat.columns], rows)


def grades_csv_text(grades: pd.DataFrame) -> str:
    """Verdicts as CSV, safe to open in a spreadsheet."""
    return safe_csv_text(grades)


def grades_json_text(grades: pd.DataFrame) -> str:
    import json
    records = grades.astype(object).to_dict(orient="records")
    for r in records:
        r["verdict"], r["computed_verdict"] = str(r["verdict"]), str(r["computed_verdict"])
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def grades_markdown(grades: pd.DataFrame) -> str:
    flat = _flat(grades)[["claim_id", "verdict", "certainty", "reason", "citations"]]
    return _md_table(flat) + "\n"


def grades_table(grades: pd.DataFrame) -> str:
    lines = []
    for g in grades.itertuples(index=False):
        shown = str(g.verdict) + (f" (computed: {g.computed_verdict}; override: {g.override_reason})" if g.overridden else "")
        cert = f", {g.certainty.replace('_', ' ')} certainty" if g.certainty else ""
        lines.append(f"{g.claim_id}: {shown}{cert}\n  {g.statement}\n  {g.reason}")
        if g.citations:
            lines.append("  deciding: " + ", ".join(g.citations))
    counts = grades["verdict"].value_counts(sort=False)
    lines.append("\n" + ", ".join(f"{n} {v}" for v, n in counts.items() if n))
    return "\n".join(lines) + "\n"


def audit_html(ledger, grades: pd.DataFrame, claim_ids: list[str] | None = None) -> str:
    """One card per claim: statement, verdict and reason, the quotes from each document, the evidence table.

    Every piece of user text is escaped.
    """
    import html

    e = html.escape
    cits = ledger.citations.set_index("citation_id")
    g = grades.set_index("claim_id")
    ids = claim_ids or list(grades["claim_id"])
    m_by = {k: v for k, v in ledger.mentions.groupby("claim_id", observed=True)}
    l_by = {k: v for k, v in ledger.links.groupby("claim_id", observed=True)}
    cards = []
    for cid in ids:
        row = g.loc[cid]
        verdict = str(row["verdict"])
        over = f" <i>(computed: {e(str(row['computed_verdict']))}; reviewer: {e(row['override_reason'])})</i>" if row["overridden"] else ""
        cert = f", {e(row['certainty'].replace('_', ' '))} certainty" if row["certainty"] else ""
        quotes = "".join(f"<li><b>{e(str(d))}</b> [{s}&ndash;{t}]: &ldquo;{e(str(q))}&rdquo;</li>"
                         for d, q, s, t in m_by.get(cid, pd.DataFrame(columns=["document_id", "quote", "start", "end"]))[["document_id", "quote", "start", "end"]].itertuples(index=False))
        lk = l_by.get(cid)
        if lk is None or lk.empty:
            table = "<p><i>No evidence linked.</i></p>"
        else:
            trs = []
            for r in lk.itertuples(index=False):
                c = cits.loc[r.citation_id] if r.citation_id in cits.index else None
                link = citation_link(c) if c is not None else ""
                ident = f'<a href="{e(link)}">link</a>' if link else ""
                design = e(str(c["design"])) if c is not None else ""
                trs.append(f"<tr><td>{e(str(r.citation_id))} {ident}</td><td>{design}</td><td>{e(str(r.stance))}</td>"
                           f"<td>{e(str(r.directness))}</td><td>{e(str(r.certainty))}</td><td>{e(str(r.finding))}</td></tr>")
            table = ("<table><tr><th>citation</th><th>design</th><th>stance</th><th>directness</th><th>certainty</th><th>finding</th></tr>"
                     + "".join(trs) + "</table>")
        cards.append(f'<div class="claim" id="{e(cid)}"><h3>{e(cid)}</h3><p><b>{e(str(row["statement"]))}</b></p>'
                     f'<p>Verdict: <b>{e(verdict.replace("_", " "))}</b>{cert}{over}</p><p>{e(row["reason"])}</p>'
                     f"<p>Quotes:</p><ul>{quotes}</ul>{table}</div>")
    return "\n".join(cards)


NOTEBOOK_TIMEOUT = 600


def notebook_paths(root: Path) -> list[Path]:
    return sorted((Path(root) / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def execute_notebook(path: Path, parameters: dict, out_dir: Path, progress=None):
    """Execute one notebook in its own kernel with injected parameters (papermill's convention).

    A cell tagged ``parameters`` keeps its defaults; a new cell right after it sets
    the given values. Raises :class:`ReportError` naming the notebook and cell on failure.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    lines = "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    idx = next((i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), -1)
    injected = nbformat.v4.new_code_cell("# Parameters injected by claimledger report\n" + lines,
                                         metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(idx + 1, injected)
    client = NotebookClient(nb, timeout=NOTEBOOK_TIMEOUT, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as err:
        failed = next((n for n, c in enumerate(nb.cells, 1) if c.cell_type == "code"
                       and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        name = getattr(err, "ename", "error")
        raise ReportError(f"{path.name}: cell {failed} failed with {name}: {getattr(err, 'evalue', err)}") from err
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    return nb


def notebook_html(nb) -> str:
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return body


def index_html(ledger, grades: pd.DataFrame, notebooks: list[str], figures: list[str], status: pd.DataFrame | None) -> str:
    """The report's front page: counts, verdict table, links to notebooks, figures and the explorer. All text escaped."""
    import html

    e = html.escape
    counts = grades["verdict"].value_counts(sort=False)
    rows = "".join(
        f"<tr><td><a href=\"03-claim-audit.html#{e(g.claim_id)}\">{e(g.claim_id)}</a></td><td>{e(g.statement)}</td>"
        f"<td class=\"v-{e(str(g.verdict))}\">{e(str(g.verdict).replace('_', ' '))}"
        + (f" <small>(computed: {e(str(g.computed_verdict))})</small>" if g.overridden else "")
        + f"</td><td>{e(g.certainty.replace('_', ' '))}</td><td>{e(g.reason)}</td></tr>"
        for g in grades.itertuples(index=False))
    nb_links = "".join(f'<li><a href="{e(n)}.html">{e(n)}</a></li>' for n in notebooks)
    figs = "".join(f'<figure><img src="figures/{e(f)}" alt="{e(f)}" style="max-width:100%"><figcaption>{e(f)}</figcaption></figure>' for f in figures)
    status_html = ""
    if status is not None and len(status):
        st = status["status"].value_counts()
        status_html = ("<h2>Citation checks</h2><p>" + ", ".join(f"{n} {e(str(k))}" for k, n in st.items()) + "</p><table><tr><th>citation</th><th>status</th><th>detail</th></tr>"
                       + "".join(f"<tr><td>{e(str(r.citation_id))}</td><td>{e(str(r.status))}</td><td>{e(str(r.detail))}</td></tr>" for r in status.itertuples(index=False))
                       + "</table>")
    style = ("body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:4px;vertical-align:top;font-size:14px}.v-supported{background:#c8eadf}"
             ".v-partly_supported{background:#d6ecf8}.v-mixed{background:#fbf6c2}.v-weak_or_indirect{background:#f7e0b0}"
             ".v-contradicted{background:#f2c7ae}.v-no_evidence_found{background:#e0e0e0}.v-untestable{background:#f0d6e6}")
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>claimledger report</title><style>{style}</style></head><body>"
            f"<h1>Evidence report</h1><p>{len(ledger.claims)} claims from {len(ledger.documents)} documents, "
            f"{len(ledger.citations)} citations, {len(ledger.links)} assessments. Verdicts: "
            + ", ".join(f"{n} {e(str(v).replace('_', ' '))}" for v, n in counts.items() if n)
            + '.</p><p><a href="explorer/index.html">Claim explorer</a> &middot; <a href="verdicts.csv">verdicts.csv</a> &middot; '
            f"<a href=\"summary.md\">summary.md</a></p><h2>Notebooks</h2><ul>{nb_links}</ul>"
            f"<h2>Verdicts</h2><table><tr><th>claim</th><th>statement</th><th>verdict</th><th>certainty</th><th>reason</th></tr>{rows}</table>"
            f"{status_html}<h2>Figures</h2>{figs}</body></html>\n")


class ReportError(Exception):
    """A notebook failed while building the report."""


def build_report(root: str | Path = ".", out: str | Path | None = None, execute: bool = True) -> int:
    """Validate the ledger and build ``reports/``; returns the exit code.

    Writes summary.md, verdicts.csv, figures/*.png, the executed notebooks
    (notebooks/*.ipynb and NAME.html, one kernel per notebook), the claim
    explorer (explorer/index.html) and index.html. Offline and deterministic.
    """
    from . import plots
    from .files import write_atomic
    from .ledger import load
    from .problems import LedgerError

    root = Path(root).resolve()
    out = Path(out) if out else root / "reports"
    say = lambda msg: print(msg, file=sys.stderr, flush=True)
    try:
        ledger = load(root)
    except LedgerError as err:
        print(f"claimledger report: {err}", file=sys.stderr)
        return 1
    grades = ledger.grades()
    write_atomic(out / "summary.md", summary_markdown(ledger))
    write_atomic(out / "verdicts.csv", grades_csv_text(grades))
    say(f"[report] {len(grades)} claims graded; wrote summary.md and verdicts.csv")
    from . import score
    estimates = score.effect_estimates(ledger.links, ledger.citations)
    pooled = score.pool_comparable(estimates)
    figures = {"claims-by-document.png": plots.claims_by_document(ledger), "verdicts.png": plots.verdict_distribution(grades),
               "evidence-map.png": plots.evidence_map(ledger), "evidence-by-year.png": plots.evidence_by_year(ledger)}
    for cid, sel in estimates.groupby("claim_id", sort=True):
        figures[f"forest-{cid}.png"] = plots.forest(sel, pooled[pooled["claim_id"] == cid], title=f"{cid}: reported estimates")
    for name, fig in figures.items():
        plots.save(fig, out / "figures" / name)
    say(f"[report] wrote {len(figures)} figures")
    status = None
    try:
        from .resolve import citation_status
        status = citation_status(root)
        write_atomic(out / "citation-status.csv", safe_csv_text(status))
    except ImportError:
        pass
    names = []
    if execute:
        paths = notebook_paths(root)
        for n, path in enumerate(paths, 1):
            say(f"[report] executing notebook {n}/{len(paths)}: {path.name}")
            try:
                nb = execute_notebook(path, {"root": str(root)}, out / "notebooks")
            except ReportError as err:
                print(f"claimledger report: {err}", file=sys.stderr)
                return 1
            write_atomic(out / f"{path.stem}.html", notebook_html(nb))
            names.append(path.stem)
    try:
        from .site import write_site
        write_site(ledger, out / "explorer")
        say("[report] wrote explorer/index.html")
    except ImportError:
        pass
    write_atomic(out / "index.html", index_html(ledger, grades, names, sorted(figures), status))
    say(f"[report] done: {out / 'index.html'}")
    return 0
