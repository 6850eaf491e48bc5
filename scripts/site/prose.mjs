// Rewriting a page's prose in place: the text under some roots, in reading
// order, outside the elements given, with matches replaced by new elements.
// The glossary's term links and the rendered formulas both work this way.

/**
 * For each text node under `roots` (not inside an element whose tag is in
 * `skip`), ask `find(text)` for the next match: `{ index, length, node }`,
 * where `node` replaces the matched text; `null` when there is none. The text
 * after a match is searched again.
 */
export function replaceInProse(document, roots, skip, find) {
  const visit = (node) => {
    if (node.nodeType === 1) {
      if (skip.has(node.tagName.toUpperCase())) return;
      for (const child of [...node.childNodes]) visit(child);
      return;
    }
    // A text node already joined to the one before it is no longer in the page.
    if (node.nodeType !== 3 || !node.parentNode) return;
    mergeFollowingText(node);
    let text = node;
    for (;;) {
      const hit = find(text.data);
      if (!hit) return;
      const rest = document.createTextNode(text.data.slice(hit.index + hit.length));
      text.data = text.data.slice(0, hit.index);
      text.parentNode.insertBefore(hit.node, text.nextSibling);
      hit.node.parentNode.insertBefore(rest, hit.node.nextSibling);
      text = rest;
    }
  };
  for (const root of roots) visit(root);
}

/** The HTML parser can split one run of text at character references (`&amp;`): join it again, so a formula or a term is found whole. */
function mergeFollowingText(node) {
  while (node.nextSibling && node.nextSibling.nodeType === 3) {
    node.data += node.nextSibling.data;
    node.nextSibling.remove();
  }
}
