import { copyFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PLOTLY_EMBED_MARK } from '../plots/html';
import { plotlyVersion } from '../plots/plotlyjs';

/**
 * The static book's pages share one plotly.js file (book/plotly-<version>.min.js, 4.9 MB once) instead of
 * carrying it in each page: a notebook's first figure output embeds it (lib/plots/show.ts), which a live notebook
 * needs and a page of the book does not.
 */

/** The statement of an embedding output that defines window.Plotly (lib/plots/html.ts, plotlyEmbedScript). */
const DEFINE_START = "if (typeof window.Plotly === 'undefined') { (function () {\n";
const DEFINE_END = '\n}).call(window); }\n';

/** The file name of the shared plotly.js in the book's folder. */
export function sharedPlotlyName(): string {
  return `plotly-${plotlyVersion()}.min.js`;
}

/**
 * The page with every embedded copy of plotly.js removed and one <script src> to the shared file in its <head>.
 * The figures' own scripts then find window.Plotly defined and draw at once. Returns the copies removed.
 */
export function sharePlotly(html: string, src: string = sharedPlotlyName()): { html: string; removed: number } {
  let out = '';
  let at = 0;
  let removed = 0;
  for (;;) {
    const mark = html.indexOf(PLOTLY_EMBED_MARK, at);
    if (mark < 0) break;
    const start = html.indexOf(DEFINE_START, mark);
    const end = start < 0 ? -1 : html.indexOf(DEFINE_END, start);
    if (start < 0 || end < 0) break;
    out += html.slice(at, start);
    at = end + DEFINE_END.length;
    removed++;
  }
  out += html.slice(at);
  if (removed === 0 && !out.includes('class="otbook-plotly"')) return { html, removed };
  const tag = `<script type="text/javascript" src="${src}"></script>\n`;
  const head = out.search(/<head[^>]*>/i);
  const withTag = head < 0 ? tag + out : out.replace(/<head[^>]*>/i, (h) => `${h}\n${tag}`);
  return { html: withTag, removed };
}

/** Copies plotly.js into the book's folder unless the same file is there. Returns its path. */
export function writeSharedPlotly(bookDir: string): string {
  const from = require.resolve('plotly.js-dist-min');
  const to = join(bookDir, sharedPlotlyName());
  if (!existsSync(to) || statSync(to).size !== statSync(from).size) copyFileSync(from, to);
  return to;
}
