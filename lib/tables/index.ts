/**
 * Result tables: danfojs-node DataFrames shown as HTML in notebooks (showTable) and written as CSV next to the
 * figures (saveTable). comparisonTable() builds the paper-versus-ours table with verdicts.
 */
export { loadDanfo, danfoImportMs, preservingBackend } from './danfo';
export type { Danfo } from './danfo';
export {
  comparisonTable,
  summarizeSeeds,
  formatMeanSpread,
  verdictFor,
  COMPARISON_COLUMNS,
  COMPARISON_DISPLAY,
} from './comparison';
export type { ComparisonRow, SeedSummary, Tolerance, Verdict } from './comparison';
export { tableView, tableHtml, tableText, showTable, tableCsv, csvField, saveTable, tableToFigure } from './render';
export type { Cell, TableView, TableFormat, SaveTableOptions } from './render';
