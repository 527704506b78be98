import type { Axis, Font, Layout } from './types';

/**
 * The paper's visual conventions, kept in one place so that every figure of the book agrees:
 * source blue, target orange, T(x) red, noised source green, x → T(x) segments in translucent grey.
 */
export const COLORS = {
  source: '#1f77b4',
  target: '#ff7f0e',
  mapped: '#d62728',
  noised: '#2ca02c',
  segment: 'rgba(90, 90, 90, 0.45)',
  /** Loss-curve series cycle through these (Plotly's default qualitative palette, minus the four above first). */
  series: ['#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'],
} as const;

export const FONT: Font = { family: 'Helvetica, Arial, sans-serif', size: 12, color: '#222' };

export const MARKER_SIZE = 4;

/**
 * Width of a line of text in pixels, estimated (the figure JSON is built without a browser): the average advance of
 * Helvetica/Arial is about 0.55 of the font size, 0.6 in bold. HTML tags do not count; the widest line counts.
 */
export function textWidth(text: string, size: number, bold = false): number {
  const lines = text.split(/<br\s*\/?>/i).map((l) => l.replace(/<[^>]*>/g, ''));
  return Math.max(0, ...lines.map((l) => [...l].length)) * size * (bold ? 0.6 : 0.55);
}

/**
 * Breaks text at spaces into lines of at most `maxWidth` pixels (Plotly's <br>), so that titles and panel titles
 * stay inside their figure and beside their neighbours. A word longer than a line keeps a line of its own.
 */
export function wrapText(text: string, maxWidth: number, size: number, bold = false): string {
  if (textWidth(text, size, bold) <= maxWidth) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, size, bold) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines.join('<br>');
}

/** Lines of a (wrapped) text. */
export function lineCount(text: string): number {
  return text.split(/<br\s*\/?>/i).length;
}

/** Line heights the layouts reserve for a line of text of a given size (Plotly's line spacing is about 1.3). */
export const lineHeight = (size: number): number => Math.ceil(size * 1.3);

export function axisStyle(title?: string): Axis {
  return {
    ...(title !== undefined ? { title: { text: title, standoff: 4 } } : {}),
    automargin: true,
    showgrid: true,
    gridcolor: '#e6e6e6',
    zeroline: false,
    showline: true,
    linecolor: '#888',
    mirror: true,
    ticks: 'outside',
  };
}

export const TITLE_SIZE = 17;

/** The figure's title wrapped to its width, and the top margin it needs. */
export function titleBlock(title: string | undefined, width: number): { text?: string; top: number } {
  if (title === undefined) return { top: 0 };
  const text = wrapText(title, width - 30, TITLE_SIZE);
  return { text, top: 12 + lineCount(text) * lineHeight(TITLE_SIZE) };
}

/**
 * The title object: its top about 8 px below the figure's top edge, so that a wrapped title grows down into the
 * margin reserved for it. Plotly anchors a 'top' title at its first line's baseline rather than at the top of the
 * text (measured: the text starts one font size above y), hence the font size added.
 */
export function titleAt(text: string, height: number): NonNullable<Layout['title']> {
  return { text, x: 0.5, xanchor: 'center', y: 1 - (8 + TITLE_SIZE) / height, yref: 'container', yanchor: 'top', font: { size: TITLE_SIZE } };
}

/** Shared layout settings; builders spread their own axes and size over it. The title wraps to the width. */
export function baseLayout(width: number, height: number, title?: string): Layout {
  const head = titleBlock(title, width);
  return {
    ...(head.text !== undefined ? { title: titleAt(head.text, height) } : {}),
    width,
    height,
    margin: { l: 60, r: 20, t: title !== undefined ? 12 + head.top : 25, b: 50 },
    font: FONT,
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    hovermode: 'closest',
    legend: { itemsizing: 'constant' },
  };
}
