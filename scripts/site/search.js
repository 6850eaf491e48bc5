// search.html's script: finds the query's words in window.KIL_SEARCH (search-index.js).
// The status line's words come from the page (data-* of #kil-search-status), in its language.
(function () {
  "use strict";
  var data = window.KIL_SEARCH;
  var params = new URLSearchParams(location.search);
  var query = (params.get("q") || "").trim();
  var input = document.getElementById("kil-q");
  var status = document.getElementById("kil-search-status");
  var list = document.getElementById("kil-search-results");
  var say = function (key, n) {
    return (status.getAttribute("data-" + key) || "").replace("{n}", String(n)).replace("{q}", query);
  };
  input.value = query;
  if (!query) {
    status.textContent = say("empty");
    return;
  }
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var words = query.toLowerCase().split(/\s+/).filter(Boolean);

  // Every section that holds all the `words` and at least `share` of the `pairs`, best first: more
  // uses, and a word in the heading, rank higher.
  function find(words, pairs, share) {
    var hits = [];
    data.sections.forEach(function (s) {
      var text = (s.h + " " + s.t).toLowerCase();
      var heading = s.h.toLowerCase();
      var score = 0;
      var held = 0;
      var count = function (w) { return text.split(w).length - 1 + (heading.indexOf(w) >= 0 ? 5 : 0); };
      for (var i = 0; i < words.length; i++) {
        if (text.indexOf(words[i]) < 0) return;
        score += count(words[i]);
      }
      for (var j = 0; j < pairs.length; j++) {
        if (text.indexOf(pairs[j]) < 0) continue;
        held++;
        score += count(pairs[j]);
      }
      if (pairs.length > 0 && held < share * pairs.length) return;
      hits.push({ s: s, score: score, held: held });
    });
    hits.sort(function (a, b) { return b.held - a.held || b.score - a.score; });
    return hits;
  }

  // A Chinese query, looser: split where it joins words with a particle ("地址转换的规则": "地址转换"
  // and "规则"), and then each Chinese part as the pairs of neighbouring characters it holds (bigrams),
  // of which a section must hold two in three ("改写地址" finds "改写目的地址"). Other words stay whole.
  var PARTICLES = /[的了和与及或是把被吗呢么吧啊]+/;
  var HAN_RUNS = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  function looser(words, pairs) {
    var whole = [];
    var grams = [];
    words.forEach(function (word) {
      (word.match(HAN_RUNS) || []).forEach(function (run) {
        if (!HAN.test(run)) return whole.push(run);
        run.split(PARTICLES).filter(Boolean).forEach(function (part) {
          if (!pairs || part.length <= 2) whole.push(part);
          else for (var i = 0; i + 2 <= part.length; i++) if (grams.indexOf(part.slice(i, i + 2)) < 0) grams.push(part.slice(i, i + 2));
        });
      });
    });
    return { words: whole, pairs: grams };
  }

  var hits = find(words, [], 1);
  var loose = false;
  [false, true].forEach(function (pairs) {
    if (hits.length > 0 || !HAN.test(query)) return;
    var q = looser(words, pairs);
    if (q.words.length + q.pairs.length === 0 || (q.pairs.length === 0 && q.words.join(" ") === words.join(" "))) return;
    hits = find(q.words, q.pairs, 2 / 3);
    if (hits.length > 0) {
      loose = true;
      words = q.words.concat(q.pairs);
    }
  });
  status.textContent = (hits.length === 0 ? say("none") : say(hits.length === 1 ? "one" : "many", hits.length)) + (loose ? say("loose") : "");
  hits.slice(0, 50).forEach(function (hit) {
    var s = hit.s;
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = s.p + (s.a ? "#" + encodeURIComponent(s.a) : "");
    a.textContent = data.lessons[s.p] + (s.h && s.h !== data.lessons[s.p] ? " \u203a " + s.h : "");
    li.appendChild(a);
    var lower = s.t.toLowerCase();
    var at = -1;
    for (var i = 0; i < words.length && at < 0; i++) at = lower.indexOf(words[i]);
    var from = Math.max(0, at - 60);
    var p = document.createElement("p");
    p.textContent = (from > 0 ? "\u2026" : "") + s.t.slice(from, from + 200) + (from + 200 < s.t.length ? "\u2026" : "");
    li.appendChild(p);
    list.appendChild(li);
  });
})();
