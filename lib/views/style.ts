/**
 * Colours and the one stylesheet the views share. Colours come from the
 * Okabe–Ito palette, which stays distinguishable with the common forms of
 * colour blindness; every meaning carried by colour also has a legend, and
 * table highlights add an underline so they survive black-and-white print.
 *
 * A figure's SVG shrinks to its box's width on a wide screen. On a screen
 * 48em (768 px) wide or less (not on paper, where it must fit the page) it
 * keeps the size it was drawn at, so its labels stay at their 11-13 px
 * instead of shrinking to a few pixels, and it scrolls sideways inside the
 * view's box (.kil-view scrolls; the pages that show views make that box
 * reachable with the keyboard and name it).
 */

/** The Okabe–Ito palette. */
export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
  grey: "#8C8C8C",
} as const;

/** The class every view's outermost element carries; all rules below are scoped to it. */
export const VIEW_CLASS = "kil-view";

/**
 * The shared stylesheet. Each view embeds it, so a view pasted alone into a
 * page (or a notebook exported to static HTML) looks the same; repeated
 * copies are identical and harmless.
 */
export const VIEW_CSS = `
.kil-view{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:13px;line-height:1.4;color:#1b1b1b;background:#fff;margin:.6em 0;max-width:100%;overflow-x:auto;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.kil-view *{box-sizing:border-box}
.kil-view .kil-title{font-weight:600;font-size:14px;margin:0 0 .3em}
.kil-view .kil-caption,.kil-view .kil-note{color:#444;font-size:12px;margin:.3em 0}
.kil-view table.kil-table{border-collapse:collapse;margin:.2em 0;font-size:12.5px;width:auto;max-width:100%;table-layout:auto}
.kil-view table.kil-table caption{caption-side:top;text-align:left;font-weight:600;padding:0 0 .3em;color:#1b1b1b}
.kil-view table.kil-table>*>tr>th,.kil-view table.kil-table>*>tr>td{border:0;border-bottom:1px solid #d6d6d6;padding:3px 8px;text-align:left;vertical-align:top;background:transparent;color:#1b1b1b}
.kil-view table.kil-table>thead>tr>th{border-bottom:2px solid #555;font-weight:600;white-space:nowrap}
.kil-view table.kil-table>tbody>tr,.kil-view table.kil-table>tbody>tr:hover{background:#fff}
.kil-view table.kil-table>tbody>tr:nth-child(even)>td{background:#f7f7f7}
.kil-view table.kil-table>*>tr>td.kil-num,.kil-view table.kil-table>*>tr>th.kil-num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.kil-view table.kil-table>tbody>tr.kil-group>td{border-top:2px solid #999}
.kil-view table.kil-table>tbody>tr.kil-skipped>td{color:#555}
.kil-view code,.kil-view .kil-mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace;font-size:12px;white-space:nowrap;background:transparent;color:inherit;padding:0}
.kil-view .kil-rule{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace;font-size:11.5px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;min-width:26em;max-width:62em;display:inline-block}
.kil-view .kil-hit{background:#d8efe6;border-bottom:2px solid #009E73}
.kil-view .kil-miss{background:#fbe0cf;text-decoration:underline wavy #D55E00;text-decoration-skip-ink:none;text-underline-offset:3px}
.kil-view .kil-target{font-weight:700}
.kil-view .kil-yes{color:#00664a;font-weight:600}
.kil-view .kil-no{color:#a34400;font-weight:600}
.kil-view .kil-warn{color:#8a6d00;font-weight:600}
.kil-view .kil-dim{color:#666}
.kil-view .kil-problems{color:#7a5a00;display:block;min-width:18em;overflow-wrap:anywhere}
.kil-view table.kil-bits{margin:2px 0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace;font-size:11.5px}
.kil-view table.kil-bits{border-collapse:collapse}
.kil-view table.kil-bits>tbody>tr,.kil-view table.kil-bits>tbody>tr:hover{background:transparent}
.kil-view table.kil-bits>tbody>tr>td{border:0;padding:0 8px 0 0;white-space:pre;background:transparent;text-align:left;line-height:1.35}
.kil-view table.kil-bits>tbody>tr.kil-result>td{border-top:1px solid #888;font-weight:700}
.kil-view .kil-legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:.3em 0;font-size:12px;color:#333;padding:0;list-style:none}
.kil-view .kil-legend li{display:inline-flex;align-items:center;gap:5px;margin:0}
.kil-view .kil-legend svg{flex:none}
.kil-view .kil-side{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.kil-view .kil-side>div{flex:1 1 420px;min-width:0}
.kil-view svg{max-width:100%;height:auto}
@media screen and (max-width:48em){.kil-view figure>svg{max-width:none}}
.kil-view figure{margin:0}
@media print{.kil-view{overflow:visible}.kil-view figure{break-inside:avoid-page}.kil-view table.kil-table>tbody>tr{break-inside:avoid}}
`.trim();

/** The stylesheet as a `<style>` element. */
export function styleElement(): string {
  return `<style>${VIEW_CSS}</style>`;
}
