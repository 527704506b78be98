import type { Page } from 'playwright-core';
import { withPlotlyPage } from './browser';
import type { Figure } from './types';

/**
 * A layout check for rendered figures: every text of a figure (title, panel titles, axis titles, tick labels,
 * legend entries, annotations) must lie inside the figure, outside every plot area, and must not overlap another
 * text. Plotly places most
 * texts itself; titles and annotations are ours, and long ones run into their neighbours or off the page.
 * Boxes are measured by the browser (getBoundingClientRect of each SVG <text>), so fonts and wrapping are real.
 */

export interface TextBox {
  readonly text: string;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** A subplot's plot area (inside its axes), where no text belongs. */
export interface Area {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface TextProblem {
  /** Two texts overlap; a text sticks out of the figure; a text covers a plot area (e.g. another panel's). */
  readonly kind: 'overlap' | 'outside' | 'in-plot';
  readonly a: TextBox;
  /** The other text (overlaps only). */
  readonly b?: TextBox;
  /** Overlap and in-plot: the shared rectangle's width × height; outside: how far the box sticks out, in px. */
  readonly pixels: number;
}

/** Overlaps of at most this many pixels in either direction are tolerated: glyph boxes include their line gap. */
export const OVERLAP_TOLERANCE_PX = 1.5;

/**
 * Boxes of the visible texts under `rootSelector` (the first <svg> there and its siblings), relative to its
 * top-left corner, with the root's size. Runs in the page.
 */
function collectBoxes(rootSelector: string): { width: number; height: number; boxes: TextBox[]; areas: Area[] } {
  const root = document.querySelector(rootSelector);
  if (!root) throw new Error(`no element ${rootSelector}`);
  const frame = root.getBoundingClientRect();
  const boxes: TextBox[] = [];
  // No helper functions in here: tsx (esbuild) would wrap them in a __name() call that the page does not have.
  for (const t of Array.from(root.querySelectorAll('text'))) {
    const text = (t.textContent ?? '').trim();
    let visible = text.length > 0;
    for (let e: Element | null = t; visible && e && e !== root; e = e.parentElement) {
      const st = getComputedStyle(e);
      if (st.display === 'none' || st.visibility === 'hidden' || Number(st.opacity) === 0) visible = false;
    }
    if (!visible) continue;
    const r = t.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    boxes.push({ text, x0: r.left - frame.left, y0: r.top - frame.top, x1: r.right - frame.left, y1: r.bottom - frame.top });
  }
  // A subplot's frame: its x-axis lines give the area's left and right, its y-axis lines the top and bottom (the
  // book's axes are mirrored, so both lines exist; bare image panels have none and hold no text).
  const areas: Area[] = [];
  for (const sub of Array.from(root.querySelectorAll('.cartesianlayer .subplot'))) {
    const xl = sub.querySelector('path.xlines-above');
    const yl = sub.querySelector('path.ylines-above');
    if (!xl || !yl) continue;
    const a = xl.getBoundingClientRect();
    const b = yl.getBoundingClientRect();
    if (a.width === 0 || b.height === 0) continue;
    areas.push({ x0: a.left - frame.left, x1: a.right - frame.left, y0: b.top - frame.top, y1: b.bottom - frame.top });
  }
  return { width: frame.width, height: frame.height, boxes, areas };
}

/** Pairs of overlapping boxes and boxes that stick out of the width × height frame. */
export function textProblems(boxes: readonly TextBox[], width: number, height: number, areas: readonly Area[] = [], tolerance = OVERLAP_TOLERANCE_PX): TextProblem[] {
  const out: TextProblem[] = [];
  const shared = (a: Area, b: Area) => ({ w: Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), h: Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) });
  for (const a of boxes) {
    const outside = Math.max(-a.x0, -a.y0, a.x1 - width, a.y1 - height);
    if (outside > tolerance) out.push({ kind: 'outside', a, pixels: outside });
    for (const area of areas) {
      const { w, h } = shared(a, area);
      if (w > tolerance && h > tolerance) out.push({ kind: 'in-plot', a, pixels: w * h });
    }
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const { w, h } = shared(a, b);
      if (w > tolerance && h > tolerance) out.push({ kind: 'overlap', a, b, pixels: w * h });
    }
  }
  return out;
}

const CONTAINER = 'otbook-layout-check';

/** Measures the texts that `draw` puts into a fresh container at the page's top-left corner, then removes it. */
async function measure(draw: (page: Page) => Promise<void>): Promise<TextProblem[]> {
  const m = await withPlotlyPage(async (page) => {
    await draw(page);
    try {
      return await page.evaluate(collectBoxes, `#${CONTAINER}`);
    } finally {
      await page.evaluate((id) => {
        const el = document.getElementById(id);
        const plotly = (window as unknown as { Plotly?: { purge: (e: HTMLElement) => void } }).Plotly;
        if (el && plotly) plotly.purge(el);
        el?.remove();
      }, CONTAINER);
    }
  });
  return textProblems(m.boxes, m.width, m.height, m.areas);
}

/** Renders a figure with plotly.js in the shared headless Chromium and lists its text problems. */
export function figureTextProblems(fig: Figure): Promise<TextProblem[]> {
  return measure((page) =>
    page.evaluate(async ({ fig: f, id }) => {
      const div = document.createElement('div');
      div.id = id;
      div.style.cssText = `position:absolute;left:0;top:0;width:${f.layout.width}px;height:${f.layout.height}px`;
      document.body.appendChild(div);
      const plotly = (window as unknown as { Plotly: { newPlot: (el: HTMLElement, data: unknown, layout: unknown, config: unknown) => Promise<unknown> } }).Plotly;
      await plotly.newPlot(div, f.data, f.layout, { ...f.config, staticPlot: true });
    }, { fig, id: CONTAINER }),
  );
}

/** The text problems of a saved SVG (e.g. figures/<notebook>/<name>.svg, written by save()). */
export function svgTextProblems(svg: string): Promise<TextProblem[]> {
  return measure((page) =>
    page.evaluate(({ markup, id }) => {
      const div = document.createElement('div');
      div.id = id;
      div.innerHTML = markup;
      const el = div.querySelector('svg');
      div.style.cssText = `position:absolute;left:0;top:0;width:${el?.getAttribute('width') ?? 0}px;height:${el?.getAttribute('height') ?? 0}px`;
      document.body.appendChild(div);
    }, { markup: svg, id: CONTAINER }),
  );
}

/** One line per problem, for test messages. */
export function describeProblems(problems: readonly TextProblem[]): string {
  const name = (b: TextBox) => `'${b.text.length > 40 ? `${b.text.slice(0, 40)}…` : b.text}' [${b.x0.toFixed(0)},${b.y0.toFixed(0)}–${b.x1.toFixed(0)},${b.y1.toFixed(0)}]`;
  return problems
    .map((p) =>
      p.kind === 'outside'
        ? `outside the figure by ${p.pixels.toFixed(0)} px: ${name(p.a)}`
        : p.kind === 'in-plot'
          ? `inside a plot area (${p.pixels.toFixed(0)} px²): ${name(p.a)}`
          : `overlap of ${p.pixels.toFixed(0)} px²: ${name(p.a)} and ${p.b ? name(p.b) : '?'}`,
    )
    .join('\n');
}
