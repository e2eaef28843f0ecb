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
    var v = verdicts[c.verdict] || {label: c.verdict, colour: "#57606a", text: "#ffffff"};
    var d = el("details", {"class": "card", "data-claim": c.id});
    d.style.borderLeftColor = v.colour;
    var s = el("summary");
    var badge = el("span", {"class": "badge"}, v.label);
    badge.style.color = v.text;
    badge.style.background = v.colour;
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
    c._node = d;
    return d;
  }

  var list = document.getElementById("claims");
  data.claims.forEach(function (c) { list.appendChild(card(c)); });
  var empty = el("p", {"class": "empty", id: "empty"}, "No claim matches these filters.");
  list.appendChild(empty);

  // The search box runs claimledger's own claim matcher (matcher.js), so a query finds here what
  // `claimledger check` finds for the same words: the claims it matches, best first.
  var matcher = new ClaimMatcher(data.index, data.index_claims);
  var byId = {};
  data.claims.forEach(function (c) { byId[c.id] = c; });

  function apply() {
    var text = q.value.trim();
    var order = text ? matcher.find(text, data.possible, data.claims.length) : data.claims.map(function (c) { return c.id; });
    var rank = {};
    order.forEach(function (id, i) { rank[id] = i; });
    var shown = 0;
    data.claims.forEach(function (c) {
      var ok = (rank[c.id] !== undefined) && (!fv.value || c.verdict === fv.value) && (!fc.value || c.category === fc.value) &&
        (!fd.value || c.documents.indexOf(fd.value) >= 0);
      c._node.hidden = !ok;
      if (ok) shown++;
    });
    // Put the found claims first, best first, moving nodes only when the order changes (moving a node under the
    // pointer would swallow a click on it).
    var current = Array.prototype.map.call(list.children, function (n) { return n.getAttribute("data-claim"); });
    var wanted = order.filter(function (id) { return byId[id]; });
    if (wanted.some(function (id, i) { return current[i] !== id; })) {
      wanted.forEach(function (id) { list.insertBefore(byId[id]._node, list.children[wanted.indexOf(id)] || empty); });
    }
    empty.hidden = shown > 0;
    document.getElementById("count").textContent = shown + " of " + data.claims.length + " claims";
  }
  [q, fv, fc, fd].forEach(function (x) { x.addEventListener("input", apply); x.addEventListener("change", apply); });
  apply();
})();
