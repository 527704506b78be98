import { plotlySource } from './plotlyjs';
import type { Figure } from './types';

/** JSON that can sit inside a <script> element: `<`, `>`, `&`, U+2028 and U+2029 only occur inside strings. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Marks the <script> that carries plotly.js; tests count it. */
export const PLOTLY_EMBED_MARK = 'otbook: plotly.js embedded once per front-end connection';

/**
 * Defines window.Plotly (unless a previous output did) and draws the figures that were waiting for it.
 * Outputs can be rendered out of order (JupyterLab renders lazily while scrolling), so figures that find no
 * Plotly queue themselves instead of failing.
 */
export function plotlyEmbedScript(): string {
  const { source, version } = plotlySource();
  return (
    `<script type="text/javascript">/* ${PLOTLY_EMBED_MARK} (plotly.js ${version}) */\n` +
    `if (typeof window.Plotly === 'undefined') { (function () {\n${source}\n}).call(window); }\n` +
    `(function () { var q = window.__otbookPlotlyQueue || []; window.__otbookPlotlyQueue = []; for (var i = 0; i < q.length; i++) q[i](); })();\n` +
    `</script>\n`
  );
}

const MISSING_PLOTLY =
  'plotly.js is not loaded on this page. otbook embeds it in the first figure output after a page connects to the ' +
  'kernel; that output is missing here (cleared or replaced). Re-run a cell that shows a figure, or call ' +
  "show(fig, { embedPlotly: 'always' }).";

/** The notebook HTML of a figure: a sized div and the script that draws into it (plotly.js optionally first). */
export function figureHtml(fig: Figure, divId: string, embedPlotly: boolean): string {
  const { width, height } = fig.layout;
  return (
    `<div id="${divId}" class="otbook-plotly" style="width:${width}px;height:${height}px;"></div>\n` +
    (embedPlotly ? plotlyEmbedScript() : '') +
    `<script type="text/javascript">\n(function () {\n` +
    `  var id = ${jsonForScript(divId)};\n` +
    `  var fig = ${jsonForScript(fig)};\n` +
    `  function draw() { var el = document.getElementById(id); if (el) window.Plotly.newPlot(el, fig.data, fig.layout, fig.config || {}); }\n` +
    `  if (typeof window.Plotly !== 'undefined') { draw(); return; }\n` +
    `  (window.__otbookPlotlyQueue = window.__otbookPlotlyQueue || []).push(draw);\n` +
    `  setTimeout(function () { var el = document.getElementById(id);\n` +
    `    if (typeof window.Plotly === 'undefined' && el && !el.firstChild) el.textContent = ${jsonForScript(MISSING_PLOTLY)}; }, 8000);\n` +
    `})();\n</script>\n`
  );
}

/** A self-contained page (plotly.js inlined) that opens offline. */
export function standaloneHtml(fig: Figure, title: string): string {
  const { source, version } = plotlySource();
  const { width, height } = fig.layout;
  return (
    `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n` +
    `<script type="text/javascript">/* plotly.js ${version} */\n${source}\n</script>\n</head>\n` +
    `<body style="margin:0;background:#fff">\n` +
    `<div id="figure" style="width:${width}px;height:${height}px;"></div>\n` +
    `<script type="text/javascript">\nvar fig = ${jsonForScript(fig)};\n` +
    `Plotly.newPlot('figure', fig.data, fig.layout, fig.config || {});\n</script>\n</body>\n</html>\n`
  );
}
