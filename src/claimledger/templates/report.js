// The verdict table of index.html: click a column heading to sort (verdict and certainty follow their scales),
// type to filter, choose a group or a verdict. No server, no library; the page works without it too.
(function () {
  "use strict";
  var table = document.getElementById("verdicts");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById("filter");
  var group = document.getElementById("group");
  var verdict = document.getElementById("verdict");
  var shown = document.getElementById("shown");

  function key(row, col, type) {
    var cell = row.cells[col];
    return type === "rank" ? Number(cell.getAttribute("data-rank")) : cell.textContent.trim().toLowerCase();
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.tabIndex = 0;
    th.setAttribute("aria-sort", "none");
    function sort() {
      var type = th.getAttribute("data-type");
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = key(a, col, type), y = key(b, col, type);
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
  });

  function apply() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var n = 0;
    rows.forEach(function (r) {
      var text = r.textContent.toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
        (!group.value || r.getAttribute("data-group") === group.value) &&
        (!verdict.value || r.getAttribute("data-verdict") === verdict.value);
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + (n === 1 ? " claim" : " claims") + (n === rows.length ? "" : " of " + rows.length);
  }
  [filter, group, verdict].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
}());
