// The pages the build writes itself: the index, the glossary and search, all
// in the site's own frame (language, stylesheet, a way back to the lessons).

import { escapeHtml } from "./html.mjs";

/** A whole page of the site around a body. `scripts` are classic scripts beside the page (the only kind that runs from file://). */
export function sitePage(title, body, { scripts = [], csp = true } = {}) {
  const policy = csp ? `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'">\n` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
${policy}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="site.css">
${scripts.map((s) => `<script src="${escapeHtml(s)}" defer></script>`).join("\n")}
</head>
<body class="kil-site-page">
<nav class="kil-site-nav" aria-label="site"><p><a href="index.html">All lessons</a> · <a href="glossary.html">Glossary</a> · <a href="search.html">Search</a> · <a href="explore.html">Explorer</a></p></nav>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The index: the explorer first, then one line per lesson on what it answers, what it needs and how long it takes. */
export function indexBody(series, status, builtAt) {
  const rows = series.map((l) => {
    const s = status.get(l.file) ?? {};
    const note = s.missing ? " <em>(not executed)</em>" : s.failed ? " <em>(ran with errors)</em>" : "";
    const title = s.missing ? escapeHtml(l.title) : `<a href="${escapeHtml(l.page)}">${escapeHtml(l.title)}</a>`;
    return `<tr><td class="num">${escapeHtml(l.number)}</td><td>${title}${note}<div class="answers">${escapeHtml(l.answers)}</div></td><td>${escapeHtml(l.needs)}</td><td class="num">${l.minutes} min</td></tr>`;
  });
  return `<h1>kube-iptables-lab</h1>
<p class="lead">How a Kubernetes Service forwards traffic through iptables, rule by rule, from one real node's rules: the lessons, executed, and an explorer to ask your own questions.</p>
<p class="explorer"><a href="explore.html"><strong>The explorer</strong></a>: ask your own question in this browser, with nothing installed. Pick the wordpress node or open your own <code>iptables-save</code> output, choose a client and a destination, and see every rule the connection meets, its exact chances, marks, NAT and what the server sees. Your dump never leaves your machine.</p>
<form class="kil-search" action="search.html" method="get" role="search"><label for="kil-q">Search the lessons</label> <input id="kil-q" name="q" type="search"> <button type="submit">Search</button> · <a href="glossary.html">Glossary</a></form>
<table class="kil-series">
<caption>The lessons, in order: each asks one question of the wordpress node's rules and ends with an exercise you can check</caption>
<thead><tr><th class="num" scope="col">#</th><th scope="col">lesson, and the question it answers</th><th scope="col">needs</th><th class="num" scope="col">length</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
<footer>Built ${escapeHtml(builtAt)} from the notebooks in <code>notebooks/</code>; these pages open from disk and load nothing from the network.</footer>`;
}
