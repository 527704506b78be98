/**
 * The part of Plotly's figure schema that otbook uses (plotly.js v3). Written by hand so that figures are typed
 * without `any`; extend it here when a builder needs another attribute.
 * Reference: https://plotly.com/javascript/reference/
 */

/** One coordinate; null breaks a line (the separator between segments). */
export type Datum = number | null;

export interface Font {
  readonly family?: string;
  readonly size?: number;
  readonly color?: string;
}

export interface Marker {
  readonly color?: string;
  readonly size?: number;
  readonly opacity?: number;
  readonly symbol?: string;
  readonly line?: { readonly width?: number; readonly color?: string };
}

export interface LineStyle {
  readonly color?: string;
  readonly width?: number;
  readonly dash?: 'solid' | 'dot' | 'dash' | 'dashdot' | 'longdash';
}

interface TraceBase {
  readonly name?: string;
  /** Subplot axes ('x', 'x2', …; 'y', 'y2', …). */
  readonly xaxis?: string;
  readonly yaxis?: string;
  readonly showlegend?: boolean;
  readonly legendgroup?: string;
  readonly hoverinfo?: 'all' | 'skip' | 'none' | 'name' | 'x+y' | 'x+y+name';
}

export interface ScatterTrace extends TraceBase {
  readonly type: 'scatter';
  readonly mode: 'markers' | 'lines' | 'lines+markers';
  readonly x: readonly Datum[];
  readonly y: readonly Datum[];
  readonly marker?: Marker;
  readonly line?: LineStyle;
  /** false keeps null separators as gaps (the default, stated for clarity). */
  readonly connectgaps?: boolean;
  readonly opacity?: number;
  /** Error bars: `array` above and `arrayminus` below each point (asymmetric when symmetric is false). */
  readonly error_y?: {
    readonly type: 'data';
    readonly symmetric?: boolean;
    readonly array: readonly number[];
    readonly arrayminus?: readonly number[];
    readonly color?: string;
    readonly thickness?: number;
    readonly width?: number;
    readonly visible?: boolean;
  };
}

/** An RGB(A) picture given as a data URI (`source`): far lighter in JSON than a z-array of pixels. */
export interface ImageTrace extends TraceBase {
  readonly type: 'image';
  readonly source: string;
  readonly x0?: number;
  readonly y0?: number;
  readonly dx?: number;
  readonly dy?: number;
}

export interface TableTrace {
  readonly type: 'table';
  readonly header: {
    readonly values: readonly string[];
    readonly align?: 'left' | 'center' | 'right';
    readonly fill?: { readonly color?: string };
    readonly font?: Font;
    readonly height?: number;
  };
  readonly cells: {
    /** Column-major, as Plotly wants: values[column][row]. */
    readonly values: readonly (readonly string[])[];
    readonly align?: 'left' | 'center' | 'right' | readonly ('left' | 'center' | 'right')[];
    readonly fill?: { readonly color?: string | readonly (readonly string[])[] };
    readonly font?: Font;
    readonly height?: number;
  };
  readonly columnwidth?: readonly number[];
  readonly domain?: { readonly x?: readonly [number, number]; readonly y?: readonly [number, number] };
}

export type Trace = ScatterTrace | ImageTrace | TableTrace;

export interface Axis {
  readonly title?: { readonly text: string; readonly font?: Font; readonly standoff?: number };
  readonly type?: 'linear' | 'log';
  readonly domain?: readonly [number, number];
  readonly anchor?: string;
  readonly range?: readonly [number, number];
  readonly autorange?: boolean | 'reversed';
  readonly showgrid?: boolean;
  readonly gridcolor?: string;
  readonly zeroline?: boolean;
  readonly showline?: boolean;
  readonly linecolor?: string;
  readonly mirror?: boolean;
  readonly showticklabels?: boolean;
  readonly ticks?: '' | 'inside' | 'outside';
  readonly tickfont?: Font;
  readonly exponentformat?: 'none' | 'e' | 'E' | 'power' | 'SI' | 'B';
  readonly tickvals?: readonly number[];
  /** Tick spacing; on log axes 1 (every decade), 'D1' (every digit) or 'D2' (2 and 5 between decades). */
  readonly dtick?: number | 'D1' | 'D2';
  readonly ticktext?: readonly string[];
  /** Let Plotly grow the figure's margins so that tick labels and the axis title fit. */
  readonly automargin?: boolean;
  readonly scaleanchor?: string;
  readonly scaleratio?: number;
  readonly constrain?: 'range' | 'domain';
  readonly visible?: boolean;
}

export interface Annotation {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly xref: 'paper' | string;
  readonly yref: 'paper' | string;
  readonly showarrow: false;
  readonly xanchor?: 'auto' | 'left' | 'center' | 'right';
  readonly yanchor?: 'auto' | 'top' | 'middle' | 'bottom';
  readonly textangle?: number;
  readonly font?: Font;
}

export interface Layout {
  readonly title?: {
    readonly text: string;
    readonly x?: number;
    readonly y?: number;
    readonly xanchor?: 'auto' | 'left' | 'center' | 'right';
    readonly yanchor?: 'auto' | 'top' | 'middle' | 'bottom';
    readonly yref?: 'container' | 'paper';
    readonly pad?: { readonly t?: number; readonly b?: number; readonly l?: number; readonly r?: number };
    readonly font?: Font;
  };
  /** Pixel size; figures always state it, so that notebook, PNG and SVG agree. */
  readonly width: number;
  readonly height: number;
  readonly margin?: { readonly l: number; readonly r: number; readonly t: number; readonly b: number };
  readonly font?: Font;
  readonly showlegend?: boolean;
  readonly legend?: {
    readonly orientation?: 'h' | 'v';
    readonly x?: number;
    readonly y?: number;
    readonly xanchor?: 'auto' | 'left' | 'center' | 'right';
    readonly yanchor?: 'auto' | 'top' | 'middle' | 'bottom';
    readonly font?: Font;
    readonly itemsizing?: 'trace' | 'constant';
  };
  readonly paper_bgcolor?: string;
  readonly plot_bgcolor?: string;
  readonly hovermode?: 'closest' | 'x' | 'y' | false;
  readonly annotations?: readonly Annotation[];
  readonly xaxis?: Axis;
  readonly yaxis?: Axis;
  /** Subplot axes: xaxis2, yaxis2, … */
  readonly [axis: `xaxis${number}` | `yaxis${number}`]: Axis | undefined;
}

export interface Config {
  readonly displaylogo?: boolean;
  readonly responsive?: boolean;
  readonly staticPlot?: boolean;
  readonly displayModeBar?: boolean | 'hover';
}

export interface Figure {
  readonly data: readonly Trace[];
  readonly layout: Layout;
  readonly config?: Config;
}
