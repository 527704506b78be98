import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors';
import { withPlotlyPage } from './browser';
import { standaloneHtml } from './html';
import { checkOutputName, figuresDir } from './paths';
import type { Figure } from './types';

export type SaveFormat = 'png' | 'svg' | 'html';
export const SAVE_FORMATS: readonly SaveFormat[] = ['png', 'svg', 'html'];

export interface SaveOptions {
  /** Folder (default figuresDir()). */
  readonly dir?: string;
  /** Which files to write (default all three). */
  readonly formats?: readonly SaveFormat[];
  /** PNG pixel ratio (default 2: crisp in print and on high-density screens). */
  readonly scale?: number;
}

export type SavedFigure = Partial<Record<SaveFormat, string>>;

interface PlotlyInPage {
  toImage(fig: unknown, options: { format: 'png' | 'svg'; width: number; height: number; scale: number }): Promise<string>;
}

/** Decodes the data URL that Plotly.toImage returns. */
export function decodeDataUrl(url: string): Buffer {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) throw new Error(`not a data URL: ${url.slice(0, 40)}…`);
  const head = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return head.endsWith(';base64') ? Buffer.from(body, 'base64') : Buffer.from(decodeURIComponent(body), 'utf8');
}

/** Renders a figure with Plotly.toImage in the shared headless Chromium. PNG bytes or SVG text (as bytes). */
export async function renderImage(fig: Figure, format: 'png' | 'svg', scale = 2): Promise<Buffer> {
  if (!(scale > 0 && scale <= 8)) throw new UserError(`save: scale ${scale} is not allowed; use a number in (0, 8]`);
  const url = await withPlotlyPage((page) =>
    page.evaluate(
      ({ fig, format, scale }) => {
        const plotly = (window as unknown as { Plotly: PlotlyInPage }).Plotly;
        return plotly.toImage(fig, { format, width: fig.layout.width, height: fig.layout.height, scale: format === 'png' ? scale : 1 });
      },
      { fig, format, scale },
    ),
  );
  return decodeDataUrl(url);
}

/**
 * Writes `<dir>/<name>.png`, `.svg` and `.html` (self-contained: plotly.js inlined, opens offline). `dir` defaults
 * to figuresDir() (see lib/plots/paths.ts). Returns the paths written.
 */
export async function save(fig: Figure, name: string, options: SaveOptions = {}): Promise<SavedFigure> {
  checkOutputName(name, 'figure');
  const formats = options.formats ?? SAVE_FORMATS;
  for (const f of formats) {
    if (!SAVE_FORMATS.includes(f)) throw new UserError(`save: format '${String(f)}' is not supported; allowed: ${SAVE_FORMATS.join(', ')}`);
  }
  const dir = options.dir ?? figuresDir();
  mkdirSync(dir, { recursive: true });
  const out: SavedFigure = {};
  for (const f of formats) {
    const path = join(dir, `${name}.${f}`);
    const bytes = f === 'html' ? standaloneHtml(fig, name) : await renderImage(fig, f, options.scale ?? 2);
    writeFileSync(path, bytes);
    out[f] = path;
  }
  return out;
}
