import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { UserError } from '../errors';
import type { PointCloud } from '../points';

/**
 * Point clouds and weights from CSV files: how users bring their own data to `otbook train`, `map` and `w2`.
 *
 * Format: one point per line, coordinates separated by commas. A first line that is not all numbers is a
 * header (its column count must match the data). Tolerated: a UTF-8 byte-order mark, CRLF line ends, a
 * trailing newline, blank lines, spaces around numbers. Refused, with a one-line UserError that names the file
 * and line: a missing or unreadable file, a file larger than MAX_CSV_BYTES, no data rows, a row with a different
 * number of values, a value that is not a decimal number (including empty fields), NaN or Inf, a value outside
 * float32 range (points are stored as Float32Array), a dimension other than `expectedDim`, more rows than
 * `maxPoints`.
 *
 * Files are read in chunks and parsed line by line into one growing array, so memory is about the size of the
 * points (4 bytes a value), not of the text; `countCsvRows` and `csvDimension` read without parsing, so callers can
 * refuse a file that is too large for them before spending the time to parse it.
 */
export interface CsvPointsOptions {
  /** Reject files whose points do not have this dimension. */
  readonly expectedDim?: number;
  /** What to call the input in messages (default: the path, or 'CSV text'). */
  readonly name?: string;
  /** Reject files with more data rows than this (checked while reading, so a huge file stops early). */
  readonly maxPoints?: number;
}

/** CSV files larger than this are refused before they are read (their points would not fit comfortably in memory). */
export const MAX_CSV_BYTES = 2 ** 30;

/** A plain decimal number: no hex, no empty string, no 'Infinity'. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const FLOAT32_MAX = 3.4028234663852886e38;
const CHUNK_BYTES = 1 << 22;

/** 10^0 … 10^22: the powers of ten a double holds exactly. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** -1 for '-', 1 for '+', 0 for no sign. */
const signOf = (c: number): number => (c === 45 ? -1 : c === 43 ? 1 : 0);

/**
 * The common row, read without a string per field: `columns` plain decimals (at most 15 significant digits and a
 * power of ten within ±22) separated by commas, into out[at…]. Returns false for anything else (a header, a bad
 * value, more digits), which the full path then reads or reports. The values equal Number(field) exactly.
 */
function fastRow(line: string, columns: number, out: Float32Array | Float64Array, at: number): boolean {
  const len = line.length;
  let i = 0;
  for (let k = 0; k < columns; k++) {
    let c = line.charCodeAt(i);
    while (c === 32 || c === 9) c = line.charCodeAt(++i);
    const sign = signOf(c);
    if (sign !== 0) c = line.charCodeAt(++i);
    let mantissa = 0;
    let significant = 0;
    let digits = 0;
    let scale = 0;
    let point = false;
    // Digits, with at most one decimal point among them (each digit after it scales the value by 1/10).
    for (; ; c = line.charCodeAt(++i)) {
      if (c >= 48 && c <= 57) {
        if (significant > 0 || c !== 48) {
          mantissa = mantissa * 10 + (c - 48);
          significant++;
        }
        if (point) scale--;
        digits++;
      } else if (c === 46 && !point) point = true;
      else break;
    }
    if (digits === 0 || significant > 15) return false;
    if (c === 101 || c === 69) {
      c = line.charCodeAt(++i);
      const expSign = signOf(c);
      if (expSign !== 0) c = line.charCodeAt(++i);
      let exp = 0;
      let expDigits = 0;
      while (c >= 48 && c <= 57) {
        if (exp < 1000) exp = exp * 10 + (c - 48);
        expDigits++;
        c = line.charCodeAt(++i);
      }
      if (expDigits === 0) return false;
      scale += expSign < 0 ? -exp : exp;
    }
    while (c === 32 || c === 9) c = line.charCodeAt(++i);
    if (k < columns - 1 ? c !== 44 : i < len) return false;
    i++;
    if (scale < -22 || scale > 22) return false;
    // Clinger's fast path: mantissa < 10^15 < 2^53 and 10^|scale| are exact, so one rounding gives Number(field).
    const v = scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
    out[at + k] = sign < 0 ? -v : v;
  }
  return true;
}

/** Rows of numbers as they are read: one flat growing array (float32 for points, float64 for weights). */
class TableBuilder {
  columns = -1;
  rows = 0;
  /** 1-based line number of the first data row, for messages. */
  firstLine = 0;
  private headerColumns = -1;
  private sawContent = false;
  private values: Float32Array | Float64Array;

  constructor(
    private readonly name: string,
    private readonly float32: boolean,
    private readonly maxRows: number,
    /** An extra rule for each value (weights: non-negative); throws with the line. */
    private readonly check?: (v: number, lineNo: number) => void,
  ) {
    this.values = float32 ? new Float32Array(1024) : new Float64Array(1024);
  }

  line(line: string, lineNo: number): void {
    if (this.columns > 0 && !this.check && this.rows < this.maxRows) {
      const at = this.rows * this.columns;
      if (at + this.columns > this.values.length) this.grow(at + this.columns);
      if (fastRow(line, this.columns, this.values, at)) {
        this.rows++;
        return;
      }
    }
    if (line.length === 0 || line.trim() === '') return;
    const { name } = this;
    const fields = line.split(',');
    for (let k = 0; k < fields.length; k++) fields[k] = fields[k].trim();
    if (!this.sawContent) {
      this.sawContent = true;
      if (fields.some((s) => !DECIMAL.test(s) && !NON_FINITE.test(s))) {
        this.headerColumns = fields.length;
        return;
      }
    }
    if (this.columns < 0) {
      this.columns = fields.length;
      this.firstLine = lineNo;
      if (this.headerColumns >= 0 && this.headerColumns !== this.columns) {
        throw new UserError(`${name}: the header has ${this.headerColumns} columns but line ${lineNo} has ${this.columns} values`);
      }
    } else if (fields.length !== this.columns) {
      throw new UserError(`${name}: line ${lineNo} has ${fields.length} values but earlier rows have ${this.columns} (ragged row)`);
    }
    if (this.rows >= this.maxRows) {
      throw new UserError(`${name}: more than ${this.maxRows} points (line ${lineNo}); at most ${this.maxRows} are allowed here`);
    }
    const columns = this.columns;
    const at = this.rows * columns;
    if (at + columns > this.values.length) this.grow(at + columns);
    for (let k = 0; k < columns; k++) this.values[at + k] = this.number(fields[k], lineNo, k);
    this.rows++;
  }

  private number(s: string, lineNo: number, k: number): number {
    const { name } = this;
    if (!DECIMAL.test(s)) {
      if (NON_FINITE.test(s)) {
        throw new UserError(`${name}: line ${lineNo}, column ${k + 1} is '${s}'; values must be finite numbers (no NaN or Inf)`);
      }
      const shown = s === '' ? 'empty' : `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;
      throw new UserError(`${name}: line ${lineNo}, column ${k + 1} is ${shown}; expected a decimal number`);
    }
    const v = Number(s);
    if (!Number.isFinite(v)) {
      throw new UserError(`${name}: line ${lineNo}, column ${k + 1} is '${s}', which overflows to ${v}; values must be finite numbers`);
    }
    if (this.float32 && Math.abs(v) > FLOAT32_MAX) {
      throw new UserError(`${name}: line ${lineNo}, column ${k + 1} is ${v}, outside the float32 range (±3.4e38) used for points`);
    }
    this.check?.(v, lineNo);
    return v;
  }

  private grow(needed: number): void {
    let size = this.values.length;
    while (size < needed) size *= 2;
    const next = this.float32 ? new Float32Array(size) : new Float64Array(size);
    next.set(this.values);
    this.values = next;
  }

  /** The rows read, as one flat array of rows × columns values. */
  finish(): { data: Float32Array | Float64Array; rows: number; columns: number; firstLine: number } {
    if (this.rows === 0) {
      throw new UserError(`${this.name}: no data rows${this.sawContent ? ' (only a header)' : ' (the file is empty)'}; expected one point per line, values separated by commas`);
    }
    return { data: this.values.slice(0, this.rows * this.columns), rows: this.rows, columns: this.columns, firstLine: this.firstLine };
  }
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function readError(e: unknown, name: string): UserError {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return new UserError(`${name}: file not found`);
  if (code === 'EISDIR') return new UserError(`${name}: is a directory, not a CSV file`);
  if (code === 'EACCES' || code === 'EPERM') return new UserError(`${name}: permission denied`);
  return new UserError(`${name}: cannot be read (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
}

/** Opens a CSV file for reading, refusing what is not a regular readable file of at most MAX_CSV_BYTES. */
function openCsv(path: string, name: string): number {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    throw readError(e, name);
  }
  if (size > MAX_CSV_BYTES) {
    throw new UserError(`${name}: ${(size / 2 ** 20).toFixed(0)} MiB is larger than the ${MAX_CSV_BYTES / 2 ** 20} MiB allowed for a CSV file; use a sample of the points`);
  }
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw readError(e, name);
  }
}

/**
 * Calls `onLine` with every line of a file and its 1-based number, reading CHUNK_BYTES at a time (a line split
 * across chunks, and a UTF-8 character split across chunks, are joined). `onLine` returns false to stop early.
 */
function forEachLine(path: string, name: string, onLine: (line: string, lineNo: number) => boolean | void): void {
  const fd = openCsv(path, name);
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let lineNo = 0;
    let first = true;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      } catch (e) {
        throw readError(e, name);
      }
      let text = rest + (n > 0 ? decoder.write(buf.subarray(0, n)) : decoder.end());
      if (first && text.length > 0) {
        text = withoutBom(text);
        first = false;
      }
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (onLine(text.slice(start, end), ++lineNo) === false) return;
        start = nl + 1;
      }
      rest = text.slice(start);
      if (n === 0) {
        if (rest !== '') onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, ++lineNo);
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function forEachTextLine(text: string, onLine: (line: string, lineNo: number) => void): void {
  const lines = withoutBom(text).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) onLine(lines[i], i + 1);
}

function toCloud(t: ReturnType<TableBuilder['finish']>, options: CsvPointsOptions, name: string): PointCloud {
  const { expectedDim } = options;
  if (expectedDim !== undefined && t.columns !== expectedDim) {
    throw new UserError(`${name}: points have dimension ${t.columns} (line ${t.firstLine}) but dimension ${expectedDim} is expected`);
  }
  return { n: t.rows, d: t.columns, data: t.data as Float32Array };
}

/** Parses CSV text into a PointCloud (n points of dimension d = number of columns). */
export function parseCsvPoints(text: string, options: CsvPointsOptions = {}): PointCloud {
  const name = options.name ?? 'CSV text';
  const table = new TableBuilder(name, true, options.maxPoints ?? Infinity);
  forEachTextLine(text, (l, i) => table.line(l, i));
  return toCloud(table.finish(), options, name);
}

/** Reads a CSV file of points. See the format above. */
export function loadCsvPoints(path: string, options: CsvPointsOptions = {}): PointCloud {
  const name = options.name ?? path;
  const table = new TableBuilder(name, true, options.maxPoints ?? Infinity);
  forEachLine(path, name, (l, i) => table.line(l, i));
  return toCloud(table.finish(), options, name);
}

function isNumericRow(line: string): boolean {
  return line.split(',').every((f) => DECIMAL.test(f.trim()) || NON_FINITE.test(f.trim()));
}

/**
 * The dimension of a CSV file's points, from its first data row, without reading the rest (the full read checks
 * every row). Lets a run take its dimension from the data before anything is built.
 */
export function csvDimension(path: string, name = path): number {
  let dim = 0;
  let header = -1;
  forEachLine(path, name, (line) => {
    if (line.trim() === '') return true;
    const columns = line.split(',').length;
    if (header < 0 && !isNumericRow(line)) {
      header = columns;
      return true;
    }
    dim = columns;
    return false;
  });
  if (dim === 0) throw new UserError(`${name}: no data rows${header >= 0 ? ' (only a header)' : ' (the file is empty)'}; expected one point per line, values separated by commas`);
  return dim;
}

/** The number of data rows of a CSV file (non-blank lines, less a header), counted without parsing any value. */
export function countCsvRows(path: string, name = path): number {
  let rows = 0;
  let first = true;
  forEachLine(path, name, (line) => {
    if (line.trim() === '') return;
    if (first) {
      first = false;
      if (!isNumericRow(line)) return;
    }
    rows++;
  });
  return rows;
}

function weightsTable(name: string): TableBuilder {
  return new TableBuilder(name, false, Infinity, (v, lineNo) => {
    if (v < 0) throw new UserError(`${name}: line ${lineNo} has weight ${v}; weights must be non-negative`);
  });
}

function weightsOf(t: ReturnType<TableBuilder['finish']>, n: number, name: string): Float64Array {
  if (t.columns !== 1) throw new UserError(`${name}: a weights file has one value per line, but line ${t.firstLine} has ${t.columns}`);
  if (t.rows !== n) throw new UserError(`${name}: ${t.rows} weights for ${n} points; give exactly one weight per point`);
  const w = t.data as Float64Array;
  let sum = 0;
  for (let r = 0; r < n; r++) sum += w[r];
  if (!(sum > 0)) throw new UserError(`${name}: the weights sum to 0; at least one weight must be positive`);
  if (!Number.isFinite(sum)) throw new UserError(`${name}: the weights sum to ${sum}; they must have a finite sum`);
  for (let r = 0; r < n; r++) w[r] /= sum;
  return w;
}

/**
 * Parses a single column of n non-negative weights (header allowed) and normalises them to sum to 1.
 * Float64, since weights enter the OT constraints directly.
 */
export function parseCsvWeights(text: string, n: number, name = 'CSV text'): Float64Array {
  const table = weightsTable(name);
  forEachTextLine(text, (l, i) => table.line(l, i));
  return weightsOf(table.finish(), n, name);
}

/** Reads a weights file (see parseCsvWeights). */
export function loadCsvWeights(path: string, n: number, name = path): Float64Array {
  const table = weightsTable(name);
  forEachLine(path, name, (l, i) => table.line(l, i));
  return weightsOf(table.finish(), n, name);
}
