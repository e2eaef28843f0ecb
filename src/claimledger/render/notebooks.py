"""Executing the project's notebooks headlessly, with parameters injected, and converting them to HTML.

One kernel per notebook (nbclient), papermill's convention for parameters: a
cell tagged ``parameters`` keeps its defaults and a new cell right after it
sets the given values. The executed notebook is written atomically.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from ..files import write_atomic
from ..problems import BuildError

NOTEBOOK_TIMEOUT = 600
"""Seconds one cell may run."""


PACKAGED = Path(__file__).resolve().parent.parent / "data" / "notebooks"
"""claimledger's standard, topic-neutral notebooks (jupytext percent scripts): what ``claimledger init`` copies into
a new ledger, and what ``claimledger report`` runs for a ledger that has no ``notebooks/`` of its own."""


def notebook_paths(root: str | Path) -> list[Path]:
    """The ledger's notebooks, ``notebooks/NN-name.ipynb``, in order."""
    return sorted((Path(root) / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def packaged_notebooks() -> list[Path]:
    """The standard notebooks shipped with claimledger (``NN-name.py``, jupytext percent format), in order."""
    return sorted(PACKAGED.glob("[0-9][0-9]-*.py"))


def report_notebooks(root: str | Path) -> tuple[list[Path], Path, str | None]:
    """The notebooks ``claimledger report`` runs for the ledger at ``root``: (paths, the kernels' working folder,
    a note when they are claimledger's standard notebooks because the ledger has none of its own)."""
    own = notebook_paths(root)
    if own:
        return own, Path(root) / "notebooks", None
    return packaged_notebooks(), Path(root), ("the ledger has no notebooks/ folder: running claimledger's standard notebooks "
                                              "(claimledger init writes copies you can edit)")


def read_notebook(path: Path):
    """A notebook from ``.ipynb``, or from a jupytext percent script (``.py``)."""
    if path.suffix == ".py":
        import jupytext
        return jupytext.read(path)
    import nbformat
    return nbformat.read(path, as_version=4)


def write_notebooks(folder: str | Path) -> list[Path]:
    """Write the standard notebooks into ``folder`` as jupytext-paired ``.ipynb`` and ``.py`` files (what
    ``claimledger init`` does); existing files are left alone. Returns the notebooks written."""
    import jupytext
    written = []
    for src in packaged_notebooks():
        target = Path(folder) / f"{src.stem}.ipynb"
        if target.exists() or target.with_suffix(".py").exists():
            continue
        nb = jupytext.read(src)
        write_atomic(target, jupytext.writes(nb, fmt="ipynb"))
        write_atomic(target.with_suffix(".py"), src.read_text(encoding="utf-8"))
        written.append(target)
    return written


def _prepare(path: Path, parameters: dict, cwd: Path | None = None):
    import nbformat
    from nbclient import NotebookClient

    nb = read_notebook(path)
    lines = "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    idx = next((i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), -1)
    injected = nbformat.v4.new_code_cell("# Parameters injected by claimledger report\n" + lines,
                                         metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(idx + 1, injected)
    # The kernel listens on 127.0.0.1 only; its start-up warning about unencrypted TCP (meant for kernels reachable
    # over a network) is noise here, so the kernel logs errors only. Cell errors are reported as before.
    client = NotebookClient(nb, timeout=NOTEBOOK_TIMEOUT, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(cwd or path.parent)}}, extra_arguments=["--IPKernelApp.log_level=ERROR"])
    return nb, client


def _failed(path: Path, nb, err) -> BuildError:
    failed = next((n for n, c in enumerate(nb.cells, 1) if c.cell_type == "code"
                   and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
    return BuildError(f"{path.name}: cell {failed} failed with {getattr(err, 'ename', 'error')}: {getattr(err, 'evalue', err)}")


async def execute_notebook_async(path: Path, parameters: dict, out_dir: Path, cwd: Path | None = None):
    """Execute one notebook in its own kernel with injected parameters; write it to ``out_dir`` (as
    ``NAME.ipynb``); return it. The kernel runs in ``cwd`` (default: the notebook's folder).

    Raises
    ------
    BuildError
        naming the notebook and the cell that failed.
    """
    import nbformat
    from nbclient.exceptions import CellExecutionError

    nb, client = _prepare(path, parameters, cwd)
    try:
        await client.async_execute()
    except CellExecutionError as err:
        raise _failed(path, nb, err) from err
    write_atomic(Path(out_dir) / f"{path.stem}.ipynb", nbformat.writes(nb))
    return nb


def execute_notebook(path: Path, parameters: dict, out_dir: Path, cwd: Path | None = None):
    """:func:`execute_notebook_async`, from synchronous code."""
    return asyncio.run(execute_notebook_async(path, parameters, out_dir, cwd))


def execute_notebooks(paths: list[Path], parameters: dict, out_dir: Path, at_once: int = 2,
                      progress: Callable[[str], None] = lambda message: None, cwd: Path | None = None) -> list:
    """Execute notebooks, ``at_once`` kernels at a time, in one event loop (closed at the end).

    Returns, in the order of ``paths``, each executed notebook or the :class:`BuildError` it raised.
    """
    async def run_all():
        slots = asyncio.Semaphore(at_once)

        async def one(n: int, path: Path):
            async with slots:
                progress(f"executing notebook {n}/{len(paths)}: {path.stem}")
                return await execute_notebook_async(path, parameters, out_dir, cwd)

        return await asyncio.gather(*(one(n, p) for n, p in enumerate(paths, 1)), return_exceptions=True)

    return asyncio.run(run_all())


def notebook_html(nb) -> str:
    """An executed notebook as a standalone HTML page (nbconvert's lab template)."""
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return body
