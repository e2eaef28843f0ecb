"""The claim explorer: one static, self-contained HTML page of every claim (``reports/explorer/index.html``).

The page works opened from disk (``file://``) with no server and no network:
CSS and JavaScript are inline, and the ledger data is embedded as JSON in a
``<script type="application/json">`` element in which ``<``, ``>`` and ``&``
are written as ``\\u003c``, ``\\u003e``, ``\\u0026``, so no text can close the
element. The script renders everything with ``textContent`` and
``createElement``, never ``innerHTML``; a Content-Security-Policy forbids any
request. A search box and filters by verdict, category and document narrow
the list; each claim is a card that opens to its quotes, verdict, reason,
careful wording and citations with DOI or PubMed links.
"""
from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from .check import VERDICT_COLOURS, VERDICT_LABELS, Checker, format_citation
from .files import write_atomic
from .report import citation_link
from .score import VERDICTS


def _s(value) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)


def site_data(ledger, checker: Checker | None = None) -> dict:
    """Everything the page shows, as plain JSON-ready data."""
    checker = checker or Checker(ledger)
    docs = ledger.documents
    doc_label = {}
    for d in docs.itertuples(index=False):
        doc_label[str(d.document_id)] = _s(d.title) or _s(d.site)
    m = ledger.mentions
    quotes_by_claim: dict[str, list[dict]] = {}
    for row in m.itertuples(index=False):
        quotes_by_claim.setdefault(str(row.claim_id), []).append(
            {"document_id": str(row.document_id), "quote": _s(row.quote), "mention_id": str(row.mention_id)})
    cit = ledger.citations.set_index(ledger.citations["citation_id"].astype(str), drop=False)
    links = ledger.links
    claims = []
    for g in checker.grades.itertuples(index=False):
        cid = str(g.claim_id)
        deciding = [str(c) for c in g.citations]
        evidence = []
        mine = links[links["claim_id"].astype(str) == cid]
        order = {c: i for i, c in enumerate(deciding)}
        for lk in sorted(mine.itertuples(index=False), key=lambda r: order.get(str(r.citation_id), len(order))):
            c = cit.loc[str(lk.citation_id)] if str(lk.citation_id) in cit.index else None
            evidence.append({
                "citation_id": str(lk.citation_id), "stance": _s(lk.stance), "directness": _s(lk.directness),
                "certainty": _s(lk.certainty), "finding": _s(lk.finding), "deciding": str(lk.citation_id) in order,
                "text": format_citation(c) if c is not None else str(lk.citation_id),
                "link": citation_link(c) if c is not None else "",
                "retracted": c is not None and _s(c["retracted"]) == "True",
            })
        quotes = quotes_by_claim.get(cid, [])
        report = checker.claim_report(cid)
        claims.append({
            "id": cid, "statement": str(g.statement), "category": str(g.category), "verdict": str(g.verdict),
            "certainty": _s(g.certainty), "reason": _s(g.reason), "wording": report.wording,
            "overridden": bool(g.overridden), "override_reason": _s(g.override_reason),
            "documents": sorted({q["document_id"] for q in quotes}), "quotes": quotes, "evidence": evidence,
        })
    return {
        "title": "Claim explorer",
        "claims": claims,
        "documents": [{"id": k, "label": v} for k, v in doc_label.items()],
        "verdicts": [{"id": v, "label": VERDICT_LABELS[v], "colour": VERDICT_COLOURS[v]} for v in VERDICTS],
        "categories": sorted({c["category"] for c in claims}),
    }


def embed_json(data) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` escaped, so ``</script>`` cannot occur."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_CSS = """
:root{--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
header{background:#fff;border-bottom:1px solid var(--line);padding:16px 24px;position:sticky;top:0;z-index:1}
h1{font-size:1.3em;margin:0 0 8px}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.controls input,.controls select{font:inherit;padding:6px 8px;border:1px solid var(--line);border-radius:6px;background:#fff}
.controls input{flex:1 1 280px}
#count{color:var(--muted);margin-left:auto}
main{max-width:980px;margin:0 auto;padding:16px 24px}
details.card{background:#fff;border:1px solid var(--line);border-left:6px solid var(--muted);border-radius:6px;margin:0 0 10px}
details.card>summary{cursor:pointer;padding:10px 14px;list-style:none}
details.card>summary::-webkit-details-marker{display:none}
.statement{font-weight:600}
.meta{color:var(--muted);font-size:.9em}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:.85em;font-weight:600;margin-right:6px}
.body{padding:0 14px 12px;border-top:1px solid var(--line)}
.body h3{font-size:.95em;margin:12px 0 4px}
blockquote{margin:4px 0;padding:2px 10px;border-left:3px solid var(--line);color:#333}
.evidence li{margin:4px 0}
.stance{font-weight:600}
.empty{color:var(--muted);padding:24px;text-align:center}
"""

_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ledger-data").textContent);
  var docs = {};
  data.documents.forEach(function (d) { docs[d.id] = d.label; });
  var verdicts = {};
  data.verdicts.forEach(function (v) { verdicts[v.id] = v; });

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function option(select, value, label) { select.appendChild(el("option", {value: value}, label)); }

  var q = document.getElementById("q");
  var fv = document.getElementById("verdict");
  var fc = document.getElementById("category");
  var fd = document.getElementById("document");
  data.verdicts.forEach(function (v) { option(fv, v.id, v.label); });
  data.categories.forEach(function (c) { option(fc, c, c); });
  data.documents.forEach(function (d) { option(fd, d.id, "document " + d.id + (d.label ? ": " + d.label : "")); });

  function card(c) {
    var v = verdicts[c.verdict] || {label: c.verdict, colour: "#57606a"};
    var d = el("details", {"class": "card", "data-claim": c.id});
    d.style.borderLeftColor = v.colour;
    var s = el("summary");
    var badge = el("span", {"class": "badge"}, v.label);
    badge.style.color = v.colour;
    badge.style.background = v.colour + "22";
    s.appendChild(badge);
    s.appendChild(el("span", {"class": "statement"}, c.statement));
    var meta = el("div", {"class": "meta"}, c.id + " \u00b7 " + c.category +
      (c.certainty ? " \u00b7 " + c.certainty.replace("_", " ") + " certainty" : "") +
      " \u00b7 " + c.quotes.length + " quote" + (c.quotes.length === 1 ? "" : "s") +
      " \u00b7 " + c.evidence.length + " citation" + (c.evidence.length === 1 ? "" : "s"));
    s.appendChild(meta);
    d.appendChild(s);
    var b = el("div", {"class": "body"});
    b.appendChild(el("h3", null, "Verdict"));
    b.appendChild(el("p", null, v.label + (c.certainty ? " (" + c.certainty.replace("_", " ") + " certainty)" : "") +
      (c.overridden ? " \u2014 reviewer override: " + c.override_reason : "")));
    b.appendChild(el("p", null, c.reason));
    b.appendChild(el("h3", null, "Careful wording"));
    b.appendChild(el("p", {"class": "wording"}, c.wording));
    b.appendChild(el("h3", null, "Where it is claimed"));
    if (!c.quotes.length) b.appendChild(el("p", {"class": "meta"}, "No quotes recorded."));
    c.quotes.forEach(function (m) {
      var bq = el("blockquote", null, "\u201c" + m.quote + "\u201d");
      var label = docs[m.document_id];
      bq.appendChild(el("div", {"class": "meta"}, "document " + m.document_id + (label ? ": " + label : "") + " \u00b7 " + m.mention_id));
      b.appendChild(bq);
    });
    b.appendChild(el("h3", null, "Evidence"));
    if (!c.evidence.length) b.appendChild(el("p", {"class": "meta"}, "No citations linked."));
    var ul = el("ul", {"class": "evidence"});
    c.evidence.forEach(function (e) {
      var li = el("li");
      li.appendChild(el("span", {"class": "stance"}, e.stance.replace(/_/g, " ") + (e.deciding ? " (deciding)" : "") +
        (e.retracted ? " [retracted, not counted]" : "") + ": "));
      li.appendChild(document.createTextNode(e.text.replace(e.link, "").trim() + " "));
      if (e.link) li.appendChild(el("a", {href: e.link, rel: "noopener noreferrer"}, e.link));
      if (e.finding) li.appendChild(el("div", {"class": "meta"}, e.finding));
      ul.appendChild(li);
    });
    b.appendChild(ul);
    d.appendChild(b);
    c._hay = [c.id, c.statement, c.category].concat(
      c.quotes.map(function (m) { return m.quote; })).join(" ").toLowerCase();
    c._node = d;
    return d;
  }

  var list = document.getElementById("claims");
  data.claims.forEach(function (c) { list.appendChild(card(c)); });
  var empty = el("p", {"class": "empty", id: "empty"}, "No claim matches these filters.");
  list.appendChild(empty);

  function apply() {
    // Light stemming so that "regenerate" finds "regeneration" and "releases" finds "release".
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean).map(function (w) {
      var stem = w.replace(/(ations|ation|ions|ion|ings|ing|ed|es|e|s|ly)$/, "");
      return stem.length >= 4 ? stem : w;
    });
    var shown = 0;
    data.claims.forEach(function (c) {
      var ok = (!fv.value || c.verdict === fv.value) && (!fc.value || c.category === fc.value) &&
        (!fd.value || c.documents.indexOf(fd.value) >= 0) &&
        words.every(function (w) { return c._hay.indexOf(w) >= 0; });
      c._node.hidden = !ok;
      if (ok) shown++;
    });
    empty.hidden = shown > 0;
    document.getElementById("count").textContent = shown + " of " + data.claims.length + " claims";
  }
  [q, fv, fc, fd].forEach(function (x) { x.addEventListener("input", apply); x.addEventListener("change", apply); });
  apply();
})();
"""


def site_html(data: dict) -> str:
    """The explorer page for :func:`site_data`'s data."""
    e = html.escape
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{e(data['title'])}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{e(data['title'])}</h1><div class=\"controls\">"
        "<input id=\"q\" type=\"search\" placeholder=\"Search claims and quotes\" aria-label=\"Search claims and quotes\">"
        "<select id=\"verdict\" aria-label=\"Verdict\"><option value=\"\">All verdicts</option></select>"
        "<select id=\"category\" aria-label=\"Category\"><option value=\"\">All categories</option></select>"
        "<select id=\"document\" aria-label=\"Document\"><option value=\"\">All documents</option></select>"
        "<span id=\"count\"></span></div></header>"
        "<main><noscript><p>This page needs JavaScript to list the claims.</p></noscript><div id=\"claims\"></div></main>"
        f"<script type=\"application/json\" id=\"ledger-data\">{embed_json(data)}</script>"
        f"<script>{_JS}</script></body></html>\n"
    )


def write_site(ledger, out_dir: str | Path) -> Path:
    """Write the claim explorer to ``out_dir/index.html`` (atomically) and return its path.

    Examples
    --------
    >>> write_site(claimledger.load("."), "reports/explorer")  # doctest: +SKIP
    PosixPath('reports/explorer/index.html')
    """
    path = Path(out_dir) / "index.html"
    write_atomic(path, site_html(site_data(ledger)))
    return path
