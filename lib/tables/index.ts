/**
 * Result tables: danfojs-node DataFrames shown as HTML in notebooks (showTable) and written as CSV next to the
 * figures (saveTable). comparisonTable() builds the paper-versus-ours table (verdicts are lib/verdicts', not the tables').
 */
export { loadDanfo, danfoImportMs, preservingBackend } from './danfo';
export type { Danfo } from './danfo';
export { comparisonTable, COMPARISON_COLUMNS, COMPARISON_DISPLAY } from './comparison';
export type { ComparisonRow } from './comparison';
export { verdictTable, VERDICT_COLUMNS } from './verdicts';
export { tableView, tableHtml, tableText, showTable, tableCsv, csvField, saveTable, tableToFigure } from './render';
export type { Cell, TableView, TableFormat, SaveTableOptions } from './render';
