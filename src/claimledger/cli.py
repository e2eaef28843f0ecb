"""The ``claimledger`` command line: parsing arguments, printing reports, exit codes.

Exit codes: 0 success, 1 problems found (or a program fault), 2 bad usage.
Tracebacks appear only with ``--debug``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .problems import EvidenceError

EPILOG = "Run `claimledger COMMAND --help` for a command's options. Docs: README.md and docs/."


def _root(p) -> argparse.ArgumentParser:
    p.add_argument("--root", default=".", metavar="DIR", help="ledger folder holding datapackage.json (default: .)")
    return p


def cmd_validate(args) -> int:
    from .validate import validate
    report = validate(args.root)
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return 0 if report.ok else 1
    for p in report.sorted():
        print(p.format())
    counts = ", ".join(f"{n} {k}" for k, n in report.counts.items())
    if report.ok:
        warn = f", {len(report.warnings)} warning(s)" if report.warnings else ""
        print(f"ok: ledger at {args.root} is valid ({counts}){warn}.")
        return 0
    print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s) in the ledger at {args.root}.")
    return 1


def cmd_init(args) -> int:
    from .init import init_ledger
    path = init_ledger(args.dir)
    print(f"created an empty ledger in {path}: datapackage.json, claims.csv, evidence/*.csv, documents/.")
    print(f"next: claimledger add-document FILE --root {path}, then add claims and mentions; check with claimledger validate --root {path}.")
    return 0


def cmd_summary(args) -> int:
    from .ledger import load
    ledger = load(args.root)
    s = ledger.summary()
    if args.format == "json":
        print(json.dumps({k: v.reset_index().to_dict(orient="records") if k == "category_by_document" else v.to_dict(orient="records")
                          for k, v in s.items()}, indent=2, default=str))
        return 0
    from .report import summary_markdown
    print(summary_markdown(ledger), end="")
    return 0


def cmd_report(args) -> int:
    from .report import build_report
    return build_report(args.root, out=args.out, execute=not args.no_notebooks)


def cmd_grade(args) -> int:
    from .ledger import load
    from .report import grades_csv_text, grades_json_text, grades_markdown, grades_table
    grades = load(args.root).grades()
    if args.claim:
        grades = grades[grades["claim_id"].isin(args.claim)]
        unknown = sorted(set(args.claim) - set(grades["claim_id"]))
        if unknown:
            print(f"claimledger grade: unknown claim_id {', '.join(unknown)}. Fix: run `claimledger summary` to list claims.", file=sys.stderr)
            return 1
    text = {"table": grades_table, "csv": grades_csv_text, "json": grades_json_text, "markdown": grades_markdown}[args.format](grades)
    sys.stdout.write(text)
    return 0


def cmd_resolve(args) -> int:
    from .resolve import run_resolve
    return run_resolve(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claimledger", description="Track claims, their verbatim quotes and the evidence for them.", epilog=EPILOG)
    parser.add_argument("--debug", action="store_true", help="show tracebacks for program faults")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _root(sub.add_parser("validate", help="check the ledger against its schema and the ledger rules",
                             description="Check every table against datapackage.json plus ledger rules (quotes at their offsets, "
                                         "document hashes, orphans, identifiers). Prints one problem per line and a count; exit 1 on errors."))
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("init", help="create an empty ledger for another topic",
                       description="Create DIR with datapackage.json, empty tables and documents/; it validates clean.")
    p.add_argument("dir", metavar="DIR", help="folder to create (must not hold a ledger already)")
    p.set_defaults(func=cmd_init)

    p = _root(sub.add_parser("summary", help="print counts of claims by category and document",
                             description="Counts of claims by category, and of mentions and claims by document."))
    p.add_argument("--format", choices=["markdown", "json"], default="markdown", help="output format (default: markdown)")
    p.set_defaults(func=cmd_summary)

    p = _root(sub.add_parser("report", help="build the evidence report into reports/",
                             description="Validate the ledger and build reports/ (summary, verdicts, executed notebooks, figures). Offline."))
    p.add_argument("--out", default=None, metavar="DIR", help="output folder (default: ROOT/reports)")
    p.add_argument("--no-notebooks", action="store_true", help="skip executing the notebooks")
    p.set_defaults(func=cmd_report)
    p = _root(sub.add_parser("grade", help="print a verdict, certainty and reason for every claim",
                             description="Grade every claim from its evidence (rules: docs/grading.md). "
                                         "Reviewer overrides in claims.csv win and are shown beside the computed verdict."))
    p.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table", help="output format (default: table)")
    p.add_argument("--claim", nargs="+", metavar="CLAIM_ID", help="only these claims")
    p.set_defaults(func=cmd_grade)

    p = _root(sub.add_parser("resolve", help="check every citation against Crossref, PubMed and OpenAlex",
                             description="Check each citation's DOI/PMID against Crossref, PubMed (E-utilities) and OpenAlex: "
                                         "title, year, first author, journal, retractions and corrections. Offline by default "
                                         "(reads evidence/cache/); --online fetches and refreshes the cache."))
    p.add_argument("--online", action="store_true", help="query the real APIs (batched, rate-limited) and update the cache")
    p.add_argument("--only", nargs="+", metavar="ID", default=None, help="only these citation_ids")
    p.add_argument("--format", choices=["text", "json", "csv"], default="text", help="output format (default: text)")
    p.add_argument("--email", default=None, help="contact address for the APIs' polite pools (default: $CLAIMLEDGER_EMAIL)")
    p.add_argument("--fill", action="store_true", help="write missing DOIs/PMIDs that PubMed and Crossref agree on into evidence/citations.csv")
    p.set_defaults(func=cmd_resolve)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except EvidenceError as err:
        if args.debug:
            raise
        print(f"claimledger {args.command}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"claimledger {args.command}: interrupted; files already written are complete.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
