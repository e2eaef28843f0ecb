"""``claimledger diff`` output: the changed verdicts as text, Markdown (for a pull request) or JSON."""
from __future__ import annotations

import json


def _state(s: dict) -> str:
    if not s:
        return "(no such claim)"
    cert = f", {s['certainty']}" if s.get("certainty") else ""
    cites = ", ".join(s.get("citations") or []) or "none"
    return f"{s['verdict']}{cert} (deciding: {cites})"


def changes_text(changes, before: str, after: str) -> str:
    if not changes:
        return f"no verdict, certainty or deciding citation differs between {before} and {after}.\n"
    lines = [f"{len(changes)} claim(s) changed between {before} and {after}:"]
    for c in changes:
        lines += [f"{c.claim_id}: {_state(c.before)} -> {_state(c.after)}"] + [f"  because {cause}" for cause in c.causes]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def changes_markdown(changes, before: str, after: str) -> str:
    if not changes:
        return f"No verdict, certainty or deciding citation differs between `{before}` and `{after}`.\n"
    lines = [f"### Verdict changes: `{before}` → `{after}`", "", "| claim | before | after | why |", "|---|---|---|---|"]
    for c in changes:
        lines.append(f"| `{c.claim_id}` | {_cell(_state(c.before))} | {_cell(_state(c.after))} | {_cell('; '.join(c.causes))} |")
    return "\n".join(lines) + "\n"


def changes_json(changes, before: str, after: str) -> str:
    return json.dumps({"before": before, "after": after, "changes": [c.to_dict() for c in changes]}, indent=2, ensure_ascii=False) + "\n"


FORMATS = {"text": changes_text, "markdown": changes_markdown, "json": changes_json}
