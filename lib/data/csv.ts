import { readFileSync } from 'node:fs';
import { UserError } from '../errors';
import type { PointCloud } from '../points';

/**
 * Point clouds and weights from CSV files: how users bring their own data to `otbook w2`.
 *
 * Format: one point per line, coordinates separated by commas. A first line that is not all numbers is a
 * header (its column count must match the data). Tolerated: a UTF-8 byte-order mark, CRLF line ends, a
 * trailing newline, blank lines, spaces around numbers. Refused, with a one-line UserError that names the file
 * and line: a missing or unreadable file, no data rows, a row with a different number of values, a value that
 * is not a decimal number (including empty fields), NaN or Inf, a value outside float32 range (points are
 * stored as Float32Array), a dimension other than `expectedDim`.
 */
export interface CsvPointsOptions {
  /** Reject files whose points do not have this dimension. */
  readonly expectedDim?: number;
  /** What to call the input in messages (default: the path, or 'CSV text'). */
  readonly name?: string;
}

/** A plain decimal number: no hex, no empty string, no 'Infinity'. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const FLOAT32_MAX = 3.4028234663852886e38;

interface Table {
  readonly rows: Float64Array[];
  /** 1-based line number of each row, for messages. */
  readonly lines: number[];
  readonly columns: number;
}

function parseTable(text: string, name: string): Table {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rawLines = body.split(/\r?\n/);
  const rows: Float64Array[] = [];
  const lines: number[] = [];
  let columns = -1;
  let sawContent = false;
  let headerColumns = -1;
  for (let li = 0; li < rawLines.length; li++) {
    const line = rawLines[li];
    if (line.trim() === '') continue;
    const lineNo = li + 1;
    const fields = line.split(',').map((s) => s.trim());
    if (!sawContent) {
      sawContent = true;
      if (fields.some((s) => !DECIMAL.test(s) && !NON_FINITE.test(s))) {
        headerColumns = fields.length;
        continue;
      }
    }
    if (columns < 0) {
      columns = fields.length;
      if (headerColumns >= 0 && headerColumns !== columns) {
        throw new UserError(`${name}: the header has ${headerColumns} columns but line ${lineNo} has ${columns} values`);
      }
    } else if (fields.length !== columns) {
      throw new UserError(`${name}: line ${lineNo} has ${fields.length} values but earlier rows have ${columns} (ragged row)`);
    }
    const row = new Float64Array(columns);
    for (let k = 0; k < columns; k++) {
      const s = fields[k];
      if (NON_FINITE.test(s)) {
        throw new UserError(`${name}: line ${lineNo}, column ${k + 1} is '${s}'; values must be finite numbers (no NaN or Inf)`);
      }
      if (!DECIMAL.test(s)) {
        const shown = s === '' ? 'empty' : `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;
        throw new UserError(`${name}: line ${lineNo}, column ${k + 1} is ${shown}; expected a decimal number`);
      }
      const v = Number(s);
      if (!Number.isFinite(v)) {
        throw new UserError(`${name}: line ${lineNo}, column ${k + 1} is '${s}', which overflows to ${v}; values must be finite numbers`);
      }
      row[k] = v;
    }
    rows.push(row);
    lines.push(lineNo);
  }
  if (rows.length === 0) {
    throw new UserError(`${name}: no data rows${sawContent ? ' (only a header)' : ' (the file is empty)'}; expected one point per line, values separated by commas`);
  }
  return { rows, lines, columns };
}

function readText(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT') throw new UserError(`${name}: file not found`);
    if (code === 'EISDIR') throw new UserError(`${name}: is a directory, not a CSV file`);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${name}: permission denied`);
    throw new UserError(`${name}: cannot be read (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

/** Parses CSV text into a PointCloud (n points of dimension d = number of columns). */
export function parseCsvPoints(text: string, options: CsvPointsOptions = {}): PointCloud {
  const name = options.name ?? 'CSV text';
  const { rows, lines, columns } = parseTable(text, name);
  const { expectedDim } = options;
  if (expectedDim !== undefined && columns !== expectedDim) {
    throw new UserError(`${name}: points have dimension ${columns} (line ${lines[0]}) but dimension ${expectedDim} is expected`);
  }
  const data = new Float32Array(rows.length * columns);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let k = 0; k < columns; k++) {
      if (Math.abs(row[k]) > FLOAT32_MAX) {
        throw new UserError(`${name}: line ${lines[r]}, column ${k + 1} is ${row[k]}, outside the float32 range (±3.4e38) used for points`);
      }
      data[r * columns + k] = row[k];
    }
  }
  return { n: rows.length, d: columns, data };
}

/** Reads a CSV file of points. See the format above. */
export function loadCsvPoints(path: string, options: CsvPointsOptions = {}): PointCloud {
  const name = options.name ?? path;
  return parseCsvPoints(readText(path, name), { ...options, name });
}

/**
 * Parses a single column of n non-negative weights (header allowed) and normalises them to sum to 1.
 * Float64, since weights enter the OT constraints directly.
 */
export function parseCsvWeights(text: string, n: number, name = 'CSV text'): Float64Array {
  const { rows, lines, columns } = parseTable(text, name);
  if (columns !== 1) throw new UserError(`${name}: a weights file has one value per line, but line ${lines[0]} has ${columns}`);
  if (rows.length !== n) throw new UserError(`${name}: ${rows.length} weights for ${n} points; give exactly one weight per point`);
  const w = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    const v = rows[r][0];
    if (v < 0) throw new UserError(`${name}: line ${lines[r]} has weight ${v}; weights must be non-negative`);
    w[r] = v;
    sum += v;
  }
  if (!(sum > 0)) throw new UserError(`${name}: the weights sum to 0; at least one weight must be positive`);
  if (!Number.isFinite(sum)) throw new UserError(`${name}: the weights sum to ${sum}; they must have a finite sum`);
  for (let r = 0; r < n; r++) w[r] /= sum;
  return w;
}

/** Reads a weights file (see parseCsvWeights). */
export function loadCsvWeights(path: string, n: number, name = path): Float64Array {
  return parseCsvWeights(readText(path, name), n, name);
}
