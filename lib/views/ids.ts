/**
 * Stable ids for drawn charts. Plot numbers its clip paths with a counter
 * shared by the whole process (`plot-clip-1`, `plot-clip-2`, ...), so the
 * same chart drawn twice would differ; the views rename every such id after
 * the chart's own id, which the caller gives or which is derived from the
 * chart's content. The same input then gives byte-identical output, in any
 * order and in any process.
 */

/** FNV-1a hash of a text, as 8 hex digits. */
export function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

const VALID_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** The chart's id: the caller's when it is a valid id, else one derived from it or from the content. */
export function chartId(prefix: string, given: string | undefined, content: string): string {
  if (given !== undefined && VALID_ID.test(given)) return given;
  return `${prefix}-${hashText(given ?? content)}`;
}

/** Rename Plot's process-wide clip ids and default class names after the chart's id. */
export function normalisePlotIds(svg: string, id: string): string {
  const clips = new Map<string, string>();
  return svg
    .replace(/plot-clip-\d+/g, (m) => {
      let name = clips.get(m);
      if (!name) {
        name = `${id}-clip-${clips.size + 1}`;
        clips.set(m, name);
      }
      return name;
    })
    .replace(/\bplot-[0-9a-f]{6}\b/g, id);
}
