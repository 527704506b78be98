import { readFileSync } from 'node:fs';

/**
 * plotly.js source for embedding in notebook outputs and self-contained HTML files: the minified bundle of
 * plotly.js-dist-min (≈4.9 MB; plotly.js-dist ships only the 11 MB unminified one). It defines `window.Plotly`
 * and no AMD module, so RequireJS pages (classic Notebook, nbconvert's HTML) need no special handling.
 */

let cached: { source: string; version: string } | null = null;

export function plotlyVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(require.resolve('plotly.js-dist-min/package.json'), 'utf8'));
  const v = typeof pkg === 'object' && pkg !== null ? (pkg as { version?: unknown }).version : undefined;
  return typeof v === 'string' ? v : 'unknown';
}

/** Escapes what would end a <script> element early; valid inside the strings and regexes where it can occur. */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** The plotly.js source, ready to put inside a <script> element. */
export function plotlySource(): { source: string; version: string } {
  if (!cached) cached = { source: scriptSafe(readFileSync(require.resolve('plotly.js-dist-min'), 'utf8')), version: plotlyVersion() };
  return cached;
}
