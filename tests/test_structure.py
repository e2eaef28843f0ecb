"""The package's shape (docs/architecture.md): one direction of imports, no HTML in Python, one verdict table,
short functions, no printing outside the CLI, one catalogue of problem codes, one schema."""
from __future__ import annotations

import ast
import json
import re

import pytest

from claimledger.grading.verdicts import VERDICT_TABLE, VERDICTS
from claimledger.problems import CODES
from conftest import REPO

SRC = REPO / "src" / "claimledger"
FILES = sorted(p for p in SRC.rglob("*.py") if "data" not in p.relative_to(SRC).parts)  # data/notebooks: notebooks, not modules
VERDICT_FILE = SRC / "grading" / "verdicts.py"


def _module(path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _trees():
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in FILES}


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports, counting imports inside functions."""
    mods = {_module(p): p for p in FILES}
    graph = {m: set() for m in mods}
    for m, p in mods.items():
        package = m if p.name == "__init__.py" else m.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")
                if node.level:
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                names = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for t in names:
                if t in mods and t != m and not (p.name == "__init__.py" and t.startswith(m + ".")):
                    graph[m].add(t)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(v):
        state[v] = 1
        stack.append(v)
        for w in sorted(graph[v]):
            if state.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if w not in state and (found := visit(w)):
                return found
        state[v] = 2
        stack.pop()
        return None

    for v in sorted(graph):
        if v not in state and (found := visit(v)):
            return found
    return None


def test_no_import_cycle():
    graph = import_graph()
    assert "claimledger.ledger.model" in graph and graph["claimledger.cli"], "the import graph was not read"
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]


LAYERS = ["claimledger.problems", "claimledger.files", "claimledger.citations", "claimledger.templating", "claimledger.grading",
          "claimledger.ledger", "claimledger.writers", "claimledger.render", "claimledger.resolve", "claimledger.search", "claimledger.build",
          "claimledger.cli"]


def _layer(module: str) -> int:
    return max(i for i, name in enumerate(LAYERS) if module == name or module.startswith(name + ".")) if module != "claimledger" else -1


def test_imports_flow_one_way_through_the_layers():
    backwards = [(m, t) for m, targets in import_graph().items() if m not in ("claimledger", "claimledger.__main__")
                 for t in targets if _layer(t) > _layer(m)]
    assert backwards == []


def _docstrings(tree) -> set[int]:
    nodes = [tree] + [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    return {id(n.body[0].value) for n in nodes if n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}


def test_no_html_in_python_files():
    """HTML comes from templates: no string in the code (docstrings aside) holds a tag."""
    tag = re.compile(r"</?(td|tr|th|li|div|span|table|ul|ol|p|h[1-6]|a|b|i|details|summary|html|body|head|script|style|img|figure)[\s>/]")
    found = []
    for path, tree in _trees().items():
        docs = _docstrings(tree)
        found += [f"{path.relative_to(REPO)}:{n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.Constant)
                  and isinstance(n.value, str) and id(n) not in docs and tag.search(n.value)]
        found += [f"{path.relative_to(REPO)}:{n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)
                  and tag.search("".join(v.value for v in n.values if isinstance(v, ast.Constant)))]
    assert found == []


def test_verdict_names_are_spelled_only_in_the_verdict_table():
    found = []
    for path, tree in _trees().items():
        if path == VERDICT_FILE:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in VERDICTS and not (path.name == "scales.py" and node.value == "mixed"):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.value!r}")
    assert found == [], "use claimledger.grading.verdicts.Verdict instead"


def test_functions_stay_short():
    long = [f"{p.relative_to(REPO)}:{n.lineno} {n.name} ({n.end_lineno - n.lineno + 1} lines)" for p, tree in _trees().items()
            for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > 80]
    assert long == []


def test_only_the_cli_prints():
    printing = [f"{p.relative_to(REPO)}:{n.lineno}" for p, tree in _trees().items() if p.name not in ("cli.py", "__main__.py")
                for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"]
    assert printing == []


def _code_arguments(tree):
    """String literals passed as a problem code: Problem(file, line, column, CODE, ...), _emit(raw, mask, column, CODE, ...)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
        at = 2 if name == "problem" else 3  # Evaluator.problem(line, column, code, ...)
        args = node.args[at:at + 1] + [k.value for k in node.keywords if k.arg == "code"]
        if name in ("Problem", "_emit", "problem"):
            yield from (a for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str))


def test_every_problem_code_is_in_the_catalogue():
    used = {(p.relative_to(REPO), a.lineno, a.value) for p, tree in _trees().items() for a in _code_arguments(tree)}
    assert len(used) > 40, "the scan found too few problem codes to be working"
    assert sorted(u for u in used if u[2] not in CODES) == []


def test_schema_copies_and_the_verdict_vocabulary_agree():
    root = json.loads((REPO / "datapackage.json").read_text())
    assert (REPO / "datapackage.json").read_text() == (SRC / "data" / "datapackage.json").read_text()
    claims = next(r for r in root["resources"] if r["name"] == "claims")
    override = next(f for f in claims["schema"]["fields"] if f["name"] == "verdict_override")
    assert override["constraints"]["enum"] == VERDICTS == [row.verdict for row in VERDICT_TABLE]


@pytest.mark.parametrize("row", VERDICT_TABLE, ids=lambda r: r.verdict.value)
def test_every_verdict_has_its_whole_row(row):
    assert row.label and row.lead and row.description.endswith(".")
    assert re.fullmatch(r"#[0-9a-f]{6}", row.colour) and re.fullmatch(r"#[0-9a-f]{6}", row.text_colour)
    assert row.rating in (None, 1, 2, 3, 4, 5)


def test_validate_loads_only_what_it_needs():
    """Building the command-line parser (every command does) must not list the search registry: argparse formats a
    choices list at add_argument unless a metavar is given, and listing it imports the search and HTTP code."""
    import subprocess
    import sys
    probe = ("import sys; from claimledger.cli import build_parser; build_parser(); "
             "import claimledger.ledger.validate; print(sorted(m for m in sys.modules if m.startswith(('claimledger.search', "
             "'claimledger.grading.rules', 'claimledger.grading.synthesis', 'claimledger.render.templating', "
             "'claimledger.render.plots', 'claimledger.render.pages', 'claimledger.writers', "
             "'requests', 'jinja2', 'matplotlib', 'scipy', 'statsmodels'))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
