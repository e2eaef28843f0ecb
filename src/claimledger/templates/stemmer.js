/* The Snowball English stemmer (Porter2, as revised in Snowball 3; https://snowballstem.org/algorithms/english/stemmer.html),
   written for the explorer so that its search analyses words exactly as claimledger's Python matcher does (which uses the
   snowballstemmer package). tests/test_site.py compares the two on tens of thousands of words. */
var snowballEnglish = (function () {
  "use strict";
  var VOWEL = "aeiouy";
  function isV(c) { return VOWEL.indexOf(c) >= 0; }
  var EXCEPTIONS = {skis: "ski", skies: "sky", idly: "idl", gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl",
                    andes: "andes", atlas: "atlas", bias: "bias", cosmos: "cosmos", howe: "howe", news: "news", sky: "sky"};
  var PREFIXES = ["arsen", "commun", "emerg", "gener", "inter", "later", "organ", "past", "univers"];

  function regions(w) {
    var p1 = w.length, p2 = w.length, i = 0;
    var pre = PREFIXES.filter(function (p) { return w.startsWith(p); });
    if (pre.length) {
      p1 = pre[0].length;
    } else {
      p1 = pastVowelThenConsonant(w, 0);
    }
    p2 = p1 < w.length ? pastVowelThenConsonant(w, p1) : w.length;
    return [p1, p2];
  }
  function pastVowelThenConsonant(w, from) {
    var i = from;
    while (i < w.length && !isV(w[i])) i++;
    if (i >= w.length) return w.length;
    while (i < w.length && isV(w[i])) i++;
    if (i >= w.length) return w.length;
    return i + 1;
  }
  function shortSyllableAtEnd(s) {
    var n = s.length;
    if (n >= 3 && !isV(s[n - 3]) && isV(s[n - 2]) && !isV(s[n - 1]) && "wxY".indexOf(s[n - 1]) < 0) return true;
    if (n === 2 && isV(s[0]) && !isV(s[1])) return true;
    return s.endsWith("past");
  }
  function longest(w, list) {
    var best = null;
    list.forEach(function (x) { if (w.endsWith(x) && (best === null || x.length > best.length)) best = x; });
    return best;
  }
  function hasVowel(s) { for (var i = 0; i < s.length; i++) if (isV(s[i])) return true; return false; }

  function step1a(w) {
    var apo = longest(w, ["'s'", "'s", "'"]);
    if (apo) w = w.slice(0, -apo.length);
    var s = longest(w, ["sses", "ied", "ies", "s", "us", "ss"]);
    if (s === "sses") return w.slice(0, -2);
    if (s === "ied" || s === "ies") return w.slice(0, -3) + (w.length - 3 > 1 ? "i" : "ie");
    if (s === "s") {
      var before = w.slice(0, -1);
      if (before.length >= 1 && hasVowel(before.slice(0, -1))) return before;
    }
    return w;
  }

  function step1b(w, p1) {
    var s = longest(w, ["eed", "eedly", "ed", "edly", "ing", "ingly"]);
    if (!s) return w;
    var stem = w.slice(0, -s.length);
    if (s === "eed" || s === "eedly") {
      if (stem.length >= p1 && ["succ", "proc", "exc"].indexOf(stem) < 0) return stem + "ee";
      return w;
    }
    if (s === "ing") {
      if (["even", "cann", "inn", "earr", "herr", "out"].indexOf(stem) >= 0) return w;
      if (stem.length === 2 && stem[1] === "y" && !isV(stem[0])) return stem[0] + "ie";
    }
    if (!hasVowel(stem)) return w;
    if (/(at|bl|iz)$/.test(stem)) return stem + "e";
    var dbl = /(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.exec(stem);
    if (dbl) {
      if (stem.length === 3 && "aeo".indexOf(stem[0]) >= 0) return stem;
      return stem.slice(0, -1);
    }
    if (stem.length === p1 && shortSyllableAtEnd(stem)) return stem + "e";
    return stem;
  }

  function step1c(w) {
    var n = w.length;
    if (n > 2 && (w[n - 1] === "y" || w[n - 1] === "Y") && !isV(w[n - 2])) return w.slice(0, -1) + "i";
    return w;
  }

  var STEP2 = {tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent", izer: "ize", ization: "ize",
               ational: "ate", ation: "ate", ator: "ate", alism: "al", aliti: "al", alli: "al", fulli: "ful", fulness: "ful",
               ousli: "ous", ousness: "ous", iveness: "ive", iviti: "ive", biliti: "ble", bli: "ble", ogist: "og", ogi: "og",
               lessli: "less", li: ""};
  function step2(w, p1) {
    var s = longest(w, Object.keys(STEP2));
    if (!s || w.length - s.length < p1) return w;
    var stem = w.slice(0, -s.length);
    if (s === "ogi" && !stem.endsWith("l")) return w;
    if (s === "li" && "cdeghkmnrt".indexOf(stem.slice(-1)) < 0) return w;
    return stem + STEP2[s];
  }
  var STEP3 = {tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic", ical: "ic", ful: "", ness: "", ative: ""};
  function step3(w, p1, p2) {
    var s = longest(w, Object.keys(STEP3));
    if (!s || w.length - s.length < p1) return w;
    if (s === "ative" && w.length - s.length < p2) return w;
    return w.slice(0, -s.length) + STEP3[s];
  }
  var STEP4 = ["ic", "ance", "ence", "able", "ible", "ate", "ive", "ize", "iti", "al", "ism", "ion", "er", "ous", "ant", "ent", "ment", "ement"];
  function step4(w, p2) {
    var s = longest(w, STEP4);
    if (!s || w.length - s.length < p2) return w;
    var stem = w.slice(0, -s.length);
    if (s === "ion" && !/[st]$/.test(stem)) return w;
    return stem;
  }
  function step5(w, p1, p2) {
    var n = w.length;
    if (w[n - 1] === "e") {
      var stem = w.slice(0, -1);
      if (n - 1 >= p2 || (n - 1 >= p1 && !shortSyllableAtEnd(stem))) return stem;
      return w;
    }
    if (w[n - 1] === "l" && n - 1 >= p2 && w[n - 2] === "l") return w.slice(0, -1);
    return w;
  }

  return function stem(word) {
    if (Object.prototype.hasOwnProperty.call(EXCEPTIONS, word)) return EXCEPTIONS[word];
    if (word.length < 3) return word;
    var w = word[0] === "'" ? word.slice(1) : word;
    if (w[0] === "y") w = "Y" + w.slice(1);
    w = w.replace(/([aeiouy])y/g, "$1Y");
    var r = regions(w), p1 = r[0], p2 = r[1];
    w = step1a(w);
    w = step1b(w, p1);
    w = step1c(w);
    w = step2(w, p1);
    w = step3(w, p1, p2);
    w = step4(w, p2);
    w = step5(w, p1, p2);
    return w.replace(/Y/g, "y");
  };
})();
