"""Showing a citation: its best link, its authors, one formatted line. Pure functions, no I/O.

Every page, export and report shows citations through these functions, so a
citation reads (and links) the same everywhere. Only ``http:`` and ``https:``
URLs ever become links (:func:`safe_url`); DOI and PubMed links are built here
from the identifiers.
"""
from __future__ import annotations

import re
from urllib.parse import quote

ET_AL = ("et al", "others")


def missing(value) -> bool:
    """None, NaN, NaT or pandas' NA (without importing pandas: NA refuses to be compared to itself)."""
    if value is None or isinstance(value, (list, tuple)):
        return value is None
    try:
        return bool(value != value)  # noqa: PLR0124 -- NaN and NaT are the values not equal to themselves
    except TypeError:
        return True


def text(value) -> str:
    """A cell as stripped text: "" for None, NaN and NA (lists are not cells)."""
    return "" if missing(value) else str(value).strip()


def id_list(value) -> list[str]:
    """The ids of a ``;``-joined cell (``grades()["citations"]``) as a list; [] for a blank or missing cell.

    >>> id_list("a;b"), id_list("")
    (['a', 'b'], [])
    """
    return [part for part in text(value).split(";") if part]


def safe_url(url) -> str:
    """``url`` if it is an absolute http(s) URL without spaces, else "" (so ``javascript:`` never becomes a link).

    >>> safe_url("https://doi.org/10.1/x"), safe_url("javascript:alert(1)"), safe_url(" HTTP://a.org ")
    ('https://doi.org/10.1/x', '', 'HTTP://a.org')
    """
    url = text(url)
    if not re.fullmatch(r"(?i)https?://[^\s\"'<>`\\]+", url):
        return ""
    return url


def citation_link(row) -> str:
    """The best link to a citation: its DOI, else its PubMed record, else its http(s) URL ("" if none).

    >>> citation_link({"doi": "10.1001/x", "pmid": "1"}), citation_link({"pmid": "38587857"})
    ('https://doi.org/10.1001/x', 'https://pubmed.ncbi.nlm.nih.gov/38587857/')
    """
    doi, pmid = text(row.get("doi")), text(row.get("pmid"))
    if doi:
        return "https://doi.org/" + quote(doi, safe="/:;()[]<>-._")
    if pmid.isdigit():
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    return safe_url(row.get("url"))


def _author_names(row) -> tuple[list[str], bool]:
    names = [a.strip() for a in text(row.get("authors")).split(";") if a.strip()]
    etal = any(n.lower().rstrip(".") in ET_AL for n in names)
    return [n for n in names if n.lower().rstrip(".") not in ET_AL], etal


def format_authors(row, most: int = 3) -> str:
    """``Tu JF, Yang JW, Shi GX, et al.`` from the ``authors`` column (``;``-separated), else the first author.

    >>> format_authors({"authors": "Tu JF; Yang JW; Shi GX; Lin LL"})
    'Tu JF, Yang JW, Shi GX, et al.'
    """
    names, etal = _author_names(row)
    if not names:
        first = text(row.get("first_author"))
        return f"{first} et al." if first else ""
    if len(names) > most:
        names, etal = names[:most], True
    return ", ".join(names) + (", et al." if etal else "")


def format_citation(row) -> str:
    """One line: authors (year). Title. Journal. Link.

    Examples
    --------
    >>> format_citation({"authors": "Tu JF; et al.", "year": 2024, "title": "Acupuncture vs Sham", "journal": "JAMA Intern Med",
    ...                  "doi": "10.1001/jamainternmed.2024.5463"})
    'Tu JF, et al. (2024). Acupuncture vs Sham. JAMA Intern Med. https://doi.org/10.1001/jamainternmed.2024.5463'
    """
    parts = []
    authors, year = format_authors(row), text(row.get("year"))
    if authors or year:
        parts.append(f"{authors} ({year})." if year else f"{authors}.")
    for column in ("title", "journal"):
        value = text(row.get(column)).rstrip(".")
        if value:
            parts.append(value + ".")
    link = citation_link(row)
    if link:
        parts.append(link)
    return " ".join(parts)


def parse_authors(row) -> tuple[list[dict], bool]:
    """Authors as ``[{"family", "given"} or {"literal"}]`` plus whether the list is cut short ("et al.").

    ``Tu JF`` (Vancouver style) becomes family Tu, given J. F.; a name without
    trailing initials (an organisation) stays whole as ``literal``.

    >>> parse_authors({"authors": "Tu JF; National Institute for Health and Care Excellence; et al."})
    ([{'family': 'Tu', 'given': 'J. F.'}, {'literal': 'National Institute for Health and Care Excellence'}], True)
    """
    names, etal = _author_names(row)
    if not names and text(row.get("first_author")):
        names, etal = [text(row.get("first_author"))], True
    out = []
    for n in names:
        m = re.fullmatch(r"(.+?)\s+([A-Z]{1,4})", n)
        if m:
            out.append({"family": m.group(1), "given": " ".join(f"{c}." for c in m.group(2))})
        elif "," in n:
            family, given = (p.strip() for p in n.split(",", 1))
            out.append({"family": family, "given": given})
        else:
            out.append({"literal": n})
    return out, etal
