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

export function axisStyle(title?: string): Axis {
  return {
    ...(title !== undefined ? { title: { text: title, standoff: 4 } } : {}),
    showgrid: true,
    gridcolor: '#e6e6e6',
    zeroline: false,
    showline: true,
    linecolor: '#888',
    mirror: true,
    ticks: 'outside',
  };
}

/** Shared layout settings; builders spread their own axes and size over it. */
export function baseLayout(width: number, height: number, title?: string): Layout {
  return {
    ...(title !== undefined ? { title: { text: title, x: 0.5 } } : {}),
    width,
    height,
    margin: { l: 60, r: 20, t: title !== undefined ? 50 : 25, b: 50 },
    font: FONT,
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    hovermode: 'closest',
    legend: { itemsizing: 'constant' },
  };
}
