"""``claimledger report``: the one place that knows every output of ``reports/`` and builds them in order.

Steps: load and validate the ledger (grades are computed once and reused by
every output); write ``summary.md`` and ``verdicts.csv``; draw the figures;
check citation status from the resolver's cache (offline); execute the
notebooks (one kernel each); write the claim explorer and ``index.html``.
Every file is written atomically. Progress goes to a callback, never to print.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .files import write_atomic
from .grading.synthesis import effect_estimates, pool_comparable, pooling_notes
from .ledger import load
from .render import pages, plots, text
from .render.explorer import write_explorer
from .render.notebooks import execute_notebooks, notebook_html, report_notebooks
from .render.prisma import write_prisma
from .resolve import ledger_citation_status
from .writers.reports import ClaimReports

AUDIT_NOTEBOOK = "03-claim-audit"
KERNELS = 2
"""Notebooks executed at once, each in its own kernel (a kernel is a separate process, so they use both cores)."""


@dataclass
class BuildResult:
    """What one build wrote, relative to the output folder."""

    out: Path
    files: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)


def _figures(ledger, grades) -> dict:
    estimates = effect_estimates(ledger.links, ledger.citations)
    pooled = pool_comparable(estimates)
    figures = {"claims-by-document.png": plots.claims_by_document(ledger), "verdicts.png": plots.verdict_distribution(grades),
               "evidence-map.png": plots.evidence_map(ledger), "evidence-by-year.png": plots.evidence_by_year(ledger)}
    if len(estimates):
        for cid, fig in plots.forests(estimates, pooled, pooling_notes(estimates)).items():
            figures[f"forest-{cid}.png"] = fig
    return figures


def build_report(root: str | Path = ".", out: str | Path | None = None, execute: bool = True,
                 progress: Callable[[str], None] = lambda message: None) -> BuildResult:
    """Validate the ledger at ``root`` and build its report in ``out`` (default ``root/reports``).

    The notebooks run in their own kernels (two at a time, in a background thread) while the figures and pages are
    drawn here.

    Raises
    ------
    LedgerError
        when the ledger does not validate.
    BuildError
        when a notebook fails (naming the notebook and cell).

    Examples
    --------
    >>> build_report(".", progress=print).files[:2]  # doctest: +SKIP
    ['summary.md', 'verdicts.csv']
    """
    root = Path(root).resolve()
    result = BuildResult(Path(out) if out else root / "reports")
    out = result.out
    ledger = load(root)
    grades = ledger.grades()
    with ThreadPoolExecutor(max_workers=1) as pool:
        paths, cwd, note = report_notebooks(root) if execute else ([], root, None)
        if note:
            progress(note)
        # The ledger path is given relative to the kernel's folder: executed notebooks name no folder of this machine.
        parameters = {"root": os.path.relpath(root, cwd)}
        running = pool.submit(execute_notebooks, paths, parameters, out / "notebooks", KERNELS, progress, cwd)
        write_atomic(out / "summary.md", text.summary_markdown(ledger))
        write_atomic(out / "verdicts.csv", text.grades_csv(grades))
        result.files += ["summary.md", "verdicts.csv"]
        progress(f"{len(grades)} claims graded; wrote summary.md and verdicts.csv")
        for name, fig in _figures(ledger, grades).items():
            plots.save(fig, out / "figures" / name)
            result.figures.append(name)
        for path in write_prisma(ledger, out):  # PRISMA 2020 flow: figures/prisma*.png, prisma/*.csv (PRISMA2020 R template layout)
            (result.figures if path.startswith("figures/") else result.files).append(path.removeprefix("figures/"))
        progress(f"wrote {len(result.figures)} figure{'s' if len(result.figures) != 1 else ''}")
        status = ledger_citation_status(ledger)
        write_atomic(out / "citation-status.csv", text.safe_csv_text(status))
        write_explorer(ledger, out / "explorer", ClaimReports(ledger))
        result.files += ["citation-status.csv", "explorer/index.html"]
        progress("wrote explorer/index.html")
        for path, nb in zip(paths, running.result()):  # in notebook order; the first failure is raised
            if isinstance(nb, BaseException):
                raise nb
            write_atomic(out / f"{path.stem}.html", notebook_html(nb))
            result.notebooks.append(path.stem)
    audit = f"{AUDIT_NOTEBOOK}.html" if AUDIT_NOTEBOOK in result.notebooks else None
    notebook_note = note if result.notebooks else ("notebooks not run (--no-notebooks)" if not execute else note)
    write_atomic(out / "index.html", pages.index_html(ledger, grades, result.notebooks, sorted(result.figures), status, audit,
                                                      notebook_note))
    result.files.append("index.html")
    progress(f"done: {out / 'index.html'}")
    return result
