// search.html's script: finds the query's words in window.KIL_SEARCH (search-index.js).
(function () {
  "use strict";
  var data = window.KIL_SEARCH;
  var params = new URLSearchParams(location.search);
  var query = (params.get("q") || "").trim();
  var input = document.getElementById("kil-q");
  var status = document.getElementById("kil-search-status");
  var list = document.getElementById("kil-search-results");
  input.value = query;
  if (!query) {
    status.textContent = "Type one or more words: every section that holds all of them is listed.";
    return;
  }
  var words = query.toLowerCase().split(/\s+/).filter(Boolean);
  var hits = [];
  data.sections.forEach(function (s) {
    var text = (s.h + " " + s.t).toLowerCase();
    var score = 0;
    for (var i = 0; i < words.length; i++) {
      var at = text.indexOf(words[i]);
      if (at < 0) return;
      score += text.split(words[i]).length - 1 + (s.h.toLowerCase().indexOf(words[i]) >= 0 ? 5 : 0);
    }
    hits.push({ s: s, score: score });
  });
  hits.sort(function (a, b) { return b.score - a.score; });
  status.textContent = hits.length === 0 ? "Nothing found for \u201c" + query + "\u201d." : hits.length + " section" + (hits.length === 1 ? "" : "s") + " found for \u201c" + query + "\u201d.";
  hits.slice(0, 50).forEach(function (hit) {
    var s = hit.s;
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = s.p + (s.a ? "#" + encodeURIComponent(s.a) : "");
    a.textContent = data.lessons[s.p] + (s.h && s.h !== data.lessons[s.p] ? " \u203a " + s.h : "");
    li.appendChild(a);
    var lower = s.t.toLowerCase();
    var at = lower.indexOf(words[0]);
    var from = Math.max(0, at - 60);
    var p = document.createElement("p");
    p.textContent = (from > 0 ? "\u2026" : "") + s.t.slice(from, from + 200) + (from + 200 < s.t.length ? "\u2026" : "");
    li.appendChild(p);
    list.appendChild(li);
  });
})();
