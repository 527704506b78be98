/**
 * Figures of the book, as typed Plotly figures.
 *
 *   const fig = transportFigure({ source, target, mapped }, { axes: [0, 32], title: 'OTP, d = 64' });
 *   show(fig);                      // inline in a tslab notebook (see show.ts, tslab-display.ts)
 *   await save(fig, 'fig3-otp');    // figures/<notebook>/fig3-otp.{png,svg,html} (see paths.ts, save.ts)
 *
 * Builders take PointClouds and 0-based axis indices (titled 1-based, x[1], x[2], …: axisName), subsample big clouds
 * (maxPoints) and round coordinates to 4 significant digits. Result tables become figures of a metric against the
 * dimension (dimension.ts); overlaps.ts checks a rendered figure's texts. Colours: source blue, target orange, T(x) red, noised source green (style.ts).
 */
export type {
  Annotation,
  Axis,
  Config,
  Datum,
  Figure,
  Font,
  ImageTrace,
  Layout,
  LineStyle,
  Marker,
  ScatterTrace,
  TableTrace,
  Trace,
} from './types';
export { COLORS, FONT, MARKER_SIZE, axisStyle, baseLayout } from './style';
export { sig4, strideIndices } from './numbers';
export {
  DEFAULT_MAX_POINTS,
  DEFAULT_MAX_SEGMENTS,
  cloudTrace,
  segmentsTrace,
  transportTraces,
  transportFigure,
  axisName,
} from './points';
export type { AxisPair, CloudStyle, CloudTraceOptions, SegmentsOptions, TransportClouds, TransportOptions, TransportFigureOptions } from './points';
export { lossCurveTraces, lossCurvesFigure, envelopeIndices } from './loss';
export type { Series, LossCurveOptions, LossFigureOptions } from './loss';
export { panelGrid } from './grid';
export type { Panel, PanelTrace, GridOptions } from './grid';
export { imageMosaic, imageTrace, imageGridFigure } from './images';
export type { ImageFormat, ImageRow, ImageGridOptions, Mosaic } from './images';
export { tableFigure, formatValue } from './table';
export type { TableValue, TableFigureOptions } from './table';
export { encodePngRgb, pngSize, crc32 } from './png';
export { show, showWithRoute, figureBundle, figureText, resetPlotlyEmbedding, plotlyEmbedded, PLOTLY_MIME } from './show';
export type { ShowOptions } from './show';
export { displayBundle, canDisplay, inTslab, updatableDisplay } from './tslab-display';
export type { MimeBundle, DisplayRoute, UpdatableDisplay } from './tslab-display';
export { save, renderImage, SAVE_FORMATS } from './save';
export type { SaveFormat, SaveOptions, SavedFigure } from './save';
export { figuresDir, setFiguresDir } from './paths';
export { closeBrowser, chromiumPath } from './browser';
export { standaloneHtml } from './html';
export { dimensionFigure, table1Figure, table3Figure, table4Figure, FLOOR_NAME, METRIC_TITLES } from './dimension';
export type { DimensionPoint, FloorPoint, DimensionFigureInput, Table1Point, Table1Floor, Table3Point, Table4Point } from './dimension';
export { figureTextProblems, svgTextProblems, textProblems, describeProblems, OVERLAP_TOLERANCE_PX } from './overlaps';
export type { TextBox, TextProblem } from './overlaps';
