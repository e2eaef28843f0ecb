"""BibTeX: every citation, written with bibtexparser (v2), LaTeX specials escaped."""
from __future__ import annotations

from ...citations import citation_link, parse_authors
from ...citations import text as cell
from ...writers.reports import ClaimReports

_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
          "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters; other Unicode stays as it is (biber and modern BibTeX read UTF-8)."""
    return "".join(_LATEX.get(ch, ch) for ch in text)


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
                fields.append(model.Field(key, latex_escape(value) if escape else value))

        names = [_bib_name(a) for a in authors] + (["others"] if etal else [])
        if names:
            fields.append(model.Field("author", " and ".join(names)))
        put("title", cell(row.get("title")))
        journal = cell(row.get("journal"))
        put("journal" if journal else "howpublished", journal)
        put("year", cell(row.get("year")), escape=False)
        put("doi", cell(row.get("doi")), escape=False)
        put("pmid", cell(row.get("pmid")), escape=False)
        url = cell(row.get("url")) or citation_link(row)
        put("url", url, escape=False)
        if str(row.get("retracted")) == "True":
            put("note", "Retracted")
        library.add(model.Entry("article" if journal else "misc", str(row["citation_id"]), fields))
    return bibtexparser.write_string(library)
