r"""BibTeX: every citation, written with bibtexparser (v2), LaTeX specials escaped.

BibTeX counts braces without regard to backslashes: ``\}`` still closes a field. So no field value ever
holds a brace of its own: ``{`` and ``}`` become ``\textbraceleft{}`` and ``\textbraceright{}`` (balanced
pairs), identifiers and URLs get them percent-encoded, and entry keys are reduced to the characters BibTeX
allows. A title holding ``}, note = {x}}`` or ``@misc{evil,`` stays one field of one entry
(``tests/test_hostile.py`` parses the export with pybtex as well as bibtexparser).
"""
from __future__ import annotations

import re

from ...citations import citation_link, parse_authors, safe_url
from ...citations import text as cell
from ...writers.reports import ClaimReports

_LATEX = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
          "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters; other Unicode stays as it is (biber and modern BibTeX read UTF-8).

    >>> latex_escape("a } b {")
    'a \\textbraceright{} b \\textbraceleft{}'
    """
    return "".join(_LATEX.get(ch, ch) for ch in " ".join(text.split()))


def verbatim(text: str) -> str:
    """A DOI, PMID or URL as a field value: kept as is, but braces, backslashes and whitespace percent-encoded."""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group()):02X}" if ord(m.group()) < 256 else "", text)


def entry_key(citation_id: str) -> str:
    """A BibTeX key: letters, digits and ``-_:.`` only (a citation_id already is one, unless the schema was loosened)."""
    return re.sub(r"[^A-Za-z0-9_:.\-]", "-", citation_id) or "citation"


def _bib_name(a: dict) -> str:
    if "literal" in a:
        return "{" + latex_escape(a["literal"]) + "}"
    return f"{latex_escape(a['family'])}, {latex_escape(a['given'])}" if a.get("given") else latex_escape(a["family"])


def export(ledger, reports: ClaimReports | None = None) -> str:
    """Every citation as BibTeX (``@article`` with a journal, else ``@misc``), keyed by citation_id."""
    import bibtexparser
    from bibtexparser import model

    library = bibtexparser.Library()
    for row in ledger.citations.to_dict(orient="records"):
        authors, etal = parse_authors(row)
        fields = []

        def put(key: str, value: str, escape: bool = True, fields=fields) -> None:
            if value:
                fields.append(model.Field(key, latex_escape(value) if escape else verbatim(value)))

        names = [_bib_name(a) for a in authors] + (["others"] if etal else [])
        if names:
            fields.append(model.Field("author", " and ".join(names)))
        put("title", cell(row.get("title")))
        journal = cell(row.get("journal"))
        put("journal" if journal else "howpublished", journal)
        put("year", cell(row.get("year")), escape=False)
        put("doi", cell(row.get("doi")), escape=False)
        put("pmid", cell(row.get("pmid")), escape=False)
        url = safe_url(row.get("url")) or citation_link(row)
        put("url", url, escape=False)
        if str(row.get("retracted")) == "True":
            put("note", "Retracted")
        library.add(model.Entry("article" if journal else "misc", entry_key(str(row["citation_id"])), fields))
    return bibtexparser.write_string(library)
