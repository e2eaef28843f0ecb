"""Executing the project's notebooks headlessly, with parameters injected, and converting them to HTML.

One kernel per notebook (nbclient), papermill's convention for parameters: a
cell tagged ``parameters`` keeps its defaults and a new cell right after it
sets the given values. The executed notebook is written atomically.
"""
from __future__ import annotations

from pathlib import Path

from ..files import write_atomic
from ..problems import BuildError

NOTEBOOK_TIMEOUT = 600
"""Seconds one cell may run."""


def notebook_paths(root: str | Path) -> list[Path]:
    """The ledger's notebooks, ``notebooks/NN-name.ipynb``, in order."""
    return sorted((Path(root) / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def execute_notebook(path: Path, parameters: dict, out_dir: Path):
    """Execute one notebook in its own kernel with injected parameters; write it to ``out_dir``; return it.

    Raises
    ------
    BuildError
        naming the notebook and the cell that failed.
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
        raise BuildError(f"{path.name}: cell {failed} failed with {name}: {getattr(err, 'evalue', err)}") from err
    write_atomic(Path(out_dir) / path.name, nbformat.writes(nb))
    return nb


def notebook_html(nb) -> str:
    """An executed notebook as a standalone HTML page (nbconvert's lab template)."""
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return body
