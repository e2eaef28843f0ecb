/* The claim matcher of claimledger (src/claimledger/writers/match.py: Analyzer, ClaimIndex.query, candidates, find),
   step for step, for the explorer's search box. tests/test_site.py checks that it ranks claims as Python does. */
var ClaimMatcher = (function () {
  "use strict";
  function Matcher(ix, claimIds) {
    this.ix = ix;
    this.claimIds = claimIds;
    this.vocab = new Map(ix.terms.map(function (t, i) { return [t, i]; }));
    this.stop = new Set(ix.stopwords);
    this.starts = new Set(Object.keys(ix.phrases).map(function (k) { return k.split(" ")[0]; }));
    this.cache = new Map();
  }
  var NOISE = /<[^<>]{1,200}>|https?:\/\/\S+|\]\([^)\s]*\)/g;
  var WORD = /[a-z0-9]+(?:'[a-z]+)?/g;
  var ISE = /(?<=[a-z]{3})is(e|ed|es|ing|ation|ations|er|ers)$/;
  var YSE = /(?<=[a-z]{2})ys(e|ed|es|ing)$/;

  Matcher.prototype.words = function (text) {
    var t = String(text).normalize("NFKC").replace(NOISE, " ").toLowerCase().replace(/[\u2019\u2018\u02bc`]/g, "'");
    var found = t.match(WORD) || [];
    if (t.indexOf("'") < 0) return found;
    return found.map(function (w) { return (w.endsWith("'s") ? w.slice(0, -2) : w).replace(/'/g, ""); });
  };
  Matcher.prototype.spelling = function (w) {
    w = Object.prototype.hasOwnProperty.call(this.ix.spelling, w) ? this.ix.spelling[w] : w;
    return w.replace(ISE, "iz$1").replace(YSE, "yz$1");
  };
  Matcher.prototype.stem = function (w) {
    var s = this.cache.get(w);
    if (s === undefined) { s = snowballEnglish(this.spelling(w)); this.cache.set(w, s); }
    return s;
  };
  Matcher.prototype.terms = function (text) {
    var ws = this.words(text), self = this;
    var stems = ws.map(function (w) { return self.stem(w); });
    var out = [], i = 0, n = ws.length;
    while (i < n) {
      var concept = null;
      if (this.starts.has(stems[i])) {
        for (var size = Math.min(this.ix.max_phrase, n - i); size > 0; size--) {
          var key = stems.slice(i, i + size).join(" ");
          if (Object.prototype.hasOwnProperty.call(this.ix.phrases, key)) { concept = this.ix.phrases[key]; i += size; break; }
        }
        if (concept) { out.push(concept); continue; }
      }
      var w = ws[i];
      if (!this.stop.has(w) && (w.length > 1 || /^\d+$/.test(w))) out.push(stems[i]);
      i++;
    }
    return out;
  };
  Matcher.prototype.query = function (text) {
    var ix = this.ix, counts = new Map();
    this.terms(text).forEach(function (t) { counts.set(t, (counts.get(t) || 0) + 1); });
    var cols = [], weights = [], extra = 0;
    var self = this;
    counts.forEach(function (n, term) {
      var w = 1 + Math.log(n), col = self.vocab.get(term);
      if (col === undefined) extra += (w * ix.unseen_idf) * (w * ix.unseen_idf);
      else { cols.push(col); weights.push(w * ix.idf[col]); }
    });
    var hits = new Map(), size = counts.size;
    if (!cols.some(function (c) { return ix.topical[c]; })) return {hits: hits, size: size};
    var norm = Math.sqrt(weights.reduce(function (s, w) { return s + w * w; }, 0) + extra) || 1;
    cols.forEach(function (col, k) {
      var q = weights[k] / norm;
      for (var p = ix.post_ptr[col]; p < ix.post_ptr[col + 1]; p++) {
        var u = ix.post_unit[p], uw = ix.post_weight[p];
        var h = hits.get(u) || {score: 0, shared: 0, topical: 0};
        h.score += uw * q; h.shared += 1; h.topical += ix.topical[col];
        hits.set(u, h);
      }
    });
    return {hits: hits, size: size};
  };
  Matcher.prototype.candidates = function (text, threshold, top) {
    var ix = this.ix, r = this.query(text), rows = [];
    if (r.size < ix.min_terms) return [];
    r.hits.forEach(function (h, u) {
      if (h.topical > 0 && h.score >= threshold - 1e-9 && h.shared >= ix.min_terms) rows.push([u, Math.round(h.score * 1e6) / 1e6]);
    });
    rows.sort(function (a, b) { return (b[1] - a[1]) || (ix.is_statement[b[0]] - ix.is_statement[a[0]]) || (a[0] - b[0]); });
    var seen = new Set(), out = [];
    for (var k = 0; k < rows.length && out.length < top; k++) {
      var c = this.claimIds[ix.unit_claim[rows[k][0]]];
      if (!seen.has(c)) { seen.add(c); out.push(c); }
    }
    return out;
  };
  Matcher.prototype.find = function (text, threshold, top) {
    var ix = this.ix, self = this;
    var known = Array.from(new Set(this.terms(text))).filter(function (t) { return self.vocab.has(t); });
    if (known.length >= ix.min_terms) return this.candidates(text, threshold, top);
    if (!known.length) return [];
    var col = this.vocab.get(known[0]), rows = [];
    for (var p = ix.post_ptr[col]; p < ix.post_ptr[col + 1]; p++) rows.push([ix.post_unit[p], Math.round(ix.post_weight[p] * 1e6) / 1e6]);
    rows.sort(function (a, b) { return (b[1] - a[1]) || (a[0] - b[0]); });
    var out = [];
    rows.forEach(function (r) { var c = self.claimIds[ix.unit_claim[r[0]]]; if (out.indexOf(c) < 0) out.push(c); });
    return out.slice(0, top);
  };
  return Matcher;
})();
