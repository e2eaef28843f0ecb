"""What changed between two versions of the ledger (``claimledger diff REV [REV2]``): verdicts, certainties and
deciding citations, each with its cause (a link, a citation, a retraction, an override, the search log).

A version is a git revision of the folder holding the ledger (``git archive`` into
a temporary folder) or, by default for the second, the working tree. Both are
loaded without failing on problems (``load(strict=False)``) and graded; only
claims whose verdict, certainty or deciding citations differ are reported.
"""
from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from ..citations import id_list, text
from ..problems import EvidenceError
from .model import Ledger, load

CITATION_FIELDS = ["retracted", "design", "year", "evidence_body", "verified_source", "doi", "pmid", "title"]
LINK_FIELDS = ["stance", "directness", "certainty", "certainty_basis", "measure", "estimate", "ci_low", "ci_high", "comparator"]
CLAIM_FIELDS = ["verdict_override", "override_reason", "testable", "category", "statement"]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True)
    except FileNotFoundError:
        raise EvidenceError("git is not installed. Fix: install git; diff compares git revisions of the ledger.") from None
    except subprocess.CalledProcessError as err:
        said = err.stderr.decode("utf-8", "replace").strip().splitlines()
        raise EvidenceError(f"git {' '.join(args[:2])} failed: {said[-1] if said else 'no message'}. "
                            "Fix: run diff inside the ledger's git repository and name an existing revision (e.g. HEAD~1, main).") from None


def checkout(root: str | Path, rev: str, dest: Path) -> Path:
    """The ledger folder as it was at ``rev``, extracted under ``dest``; returns its path there."""
    root = Path(root).resolve()
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode().strip()
    _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    archive = _git(root, "archive", "--format=tar", rev).stdout  # run in a subfolder, git archives that folder only
    with tarfile.open(fileobj=io.BytesIO(archive)) as t:
        t.extractall(dest / "tree", filter="data")
    out = dest / "tree"
    if not (out / "datapackage.json").exists():
        raise EvidenceError(f"{rev} has no datapackage.json in {prefix or 'the repository root'}: the ledger did not exist yet.")
    return out


@dataclass
class ClaimChange:
    claim_id: str
    before: dict
    """verdict, certainty, citations (deciding) before; empty when the claim is new."""
    after: dict
    causes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _grades(ledger: Ledger) -> dict[str, dict]:
    g = ledger.grades()
    return {str(r["claim_id"]): {"verdict": str(r["verdict"]), "certainty": text(r["certainty"]), "citations": id_list(r["citations"])}
            for r in g.to_dict("records")}


def _cell(value) -> str:
    """A typed cell as the CSV writes it: true/false, whole numbers without .0, dates as YYYY-MM-DD."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _rows(df: pd.DataFrame, key: list[str], fields: list[str]) -> dict:
    cols = [c for c in fields if c in df.columns]
    out = {}
    for r in df.astype(object).where(df.notna(), "").to_dict("records"):
        out[tuple(str(r[k]) for k in key)] = {c: _cell(r[c]) for c in cols}
    return out


def _differ(before: dict, after: dict) -> list[str]:
    return [f"{k} {before.get(k, '')!r} -> {after.get(k, '')!r}" for k in sorted(set(before) | set(after)) if before.get(k, "") != after.get(k, "")]


def _causes(claim_id: str, old: Ledger, new: Ledger) -> list[str]:
    causes = []
    oc, nc = _rows(old.claims, ["claim_id"], CLAIM_FIELDS).get((claim_id,), {}), _rows(new.claims, ["claim_id"], CLAIM_FIELDS).get((claim_id,), {})
    for d in _differ(oc, nc):
        causes.append(("override: " if d.startswith(("verdict_override", "override_reason")) else "claim: ") + d)
    ol = {k[1]: v for k, v in _rows(old.links, ["claim_id", "citation_id"], LINK_FIELDS).items() if k[0] == claim_id}
    nl = {k[1]: v for k, v in _rows(new.links, ["claim_id", "citation_id"], LINK_FIELDS).items() if k[0] == claim_id}
    for cid in sorted(set(ol) | set(nl)):
        if cid not in ol:
            causes.append(f"link added: {cid} ({nl[cid].get('stance', '')}, {nl[cid].get('certainty', '')})")
        elif cid not in nl:
            causes.append(f"link removed: {cid}")
        else:
            causes += [f"link {cid}: {d}" for d in _differ(ol[cid], nl[cid])]
    oct_, nct = _rows(old.citations, ["citation_id"], CITATION_FIELDS), _rows(new.citations, ["citation_id"], CITATION_FIELDS)
    for cid in sorted(set(ol) | set(nl)):
        before, after = oct_.get((cid,), {}), nct.get((cid,), {})
        for d in _differ(before, after):
            kind = "retraction" if d.startswith("retracted") else "verification" if d.startswith("verified_source") else "citation"
            causes.append(f"{kind} {cid}: {d}")
    os_, ns = (old.searches["claim_id"].astype(str) == claim_id).sum(), (new.searches["claim_id"].astype(str) == claim_id).sum()
    if os_ != ns:
        causes.append(f"search log: {os_} -> {ns} logged searches")
    return causes or ["no change in this claim's rows: a rule or another claim's evidence (shared evidence body) changed"]


def diff_ledgers(old: Ledger, new: Ledger) -> list[ClaimChange]:
    """The claims whose verdict, certainty or deciding citations differ, with causes."""
    before, after = _grades(old), _grades(new)
    out = []
    for cid in list(before) + [c for c in after if c not in before]:
        b, a = before.get(cid, {}), after.get(cid, {})
        if b != a:
            out.append(ClaimChange(cid, b, a, _causes(cid, old, new)))
    return out


def diff_revisions(root: str | Path, rev: str, rev2: str | None = None) -> tuple[list[ClaimChange], str, str]:
    """``(changes, label_before, label_after)`` between ``rev`` and ``rev2`` (default: the working tree)."""
    with tempfile.TemporaryDirectory(prefix="claimledger-diff-") as tmp:
        tmp = Path(tmp)
        (tmp / "a").mkdir()
        old = load(checkout(root, rev, tmp / "a"), strict=False)
        if rev2:
            (tmp / "b").mkdir()
            new = load(checkout(root, rev2, tmp / "b"), strict=False)
        else:
            new = load(root, strict=False)
        return diff_ledgers(old, new), rev, rev2 or "working tree"
