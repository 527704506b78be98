/**
 * The numbers a piece of prose quotes, and the committed values they may come from (tests/verdicts/readings.test.ts;
 * docs/VERDICTS.md, "Readings that cannot drift").
 *
 * What counts as a number. The prose is first stripped of fenced code blocks, inline code, HTML comments, link
 * targets and URLs, of the README's generated verdict section (checked by regenerating it) and of blocks marked
 * as dated machine measurements. In what remains, a number is a numeral (digits, an optional decimal part, an
 * optional exponent, thousands commas or a K suffix) that
 *   - has a decimal part or an exponent (0.65, 1e-4), or
 *   - is followed by % or a unit of time or size (49%, 20 min, 0.6 MB; in a range "20–32 minutes" both ends), or
 *   - has a K suffix (20K), or
 *   - is an integer of 100 or more (iterations, dimensions, sample sizes),
 * except a reference (a numeral after Eq., Sec., Fig., Table, App., Example, Thm, Alg. or issue), a year
 * (1900–2099) or a date. Integers below 100 without a unit (dimensions 2 to 64, seeds, counts) are not checked.
 *
 * When it matches. A printed number with k decimals matches a source value v when v rounded to k decimals is it
 * (a percentage against 100·v; minutes and hours against seconds / 60 and / 3600; K against v / 1000).
 */

export interface QuotedNumber {
  readonly text: string;
  readonly value: number;
  readonly decimals: number;
  /** '%', 'min', 'h', 's', 'K', 'MB', … or '' */
  readonly unit: string;
  /** Where in the prose (a few words around it), for the failure message. */
  readonly context: string;
}

const UNITS: Readonly<Record<string, string>> = {
  '%': '%',
  ms: 'ms',
  s: 's',
  sec: 's',
  seconds: 's',
  min: 'min',
  minute: 'min',
  minutes: 'min',
  h: 'h',
  hour: 'h',
  hours: 'h',
  MB: 'MB',
  GB: 'GB',
};

const REFERENCE = /(?:Eqs?\.|Secs?\.|Figs?\.|Tables?|App\.|Examples?|Ex\.|Thm|Theorem|Alg\.|Algorithm|issues?|Lemma|Prop\.)\s*$/;

/** The prose with code, comments, links, URLs and the marked blocks removed. */
export function proseOf(markdown: string): string {
  return markdown
    .replace(/<!-- verdicts:start -->[\s\S]*?<!-- verdicts:end -->/g, ' ')
    .replace(/<!-- measured:[\s\S]*?<!-- \/measured -->/g, ' ')
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\d{4}-\d{2}-\d{2}/g, ' ');
}

const NUMERAL = /(?<![\w.\d])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(e[-+−]?\d+)?(K\b)?(?:\s*[–-]\s*(\d+(?:\.\d+)?))?(\s*(?:%|ms\b|seconds\b|sec\b|s\b|minutes?\b|min\b|hours?\b|h\b|MB\b|GB\b))?/g;

/** Every number the prose quotes, by the definition above. */
export function quotedNumbers(markdown: string): QuotedNumber[] {
  const prose = proseOf(markdown);
  const out: QuotedNumber[] = [];
  for (const m of prose.matchAll(NUMERAL)) {
    const at = m.index ?? 0;
    const before = prose.slice(Math.max(0, at - 12), at);
    if (REFERENCE.test(before)) continue;
    const unitWord = (m[6] ?? '').trim();
    const unit = m[4] ? 'K' : UNITS[unitWord] ?? '';
    const context = prose.slice(Math.max(0, at - 40), at + m[0].length + 20).replace(/\s+/g, ' ');
    const ends = [`${m[1]}${m[2] ?? ''}${m[3] ?? ''}`, ...(m[5] ? [m[5]] : [])];
    for (const text of ends) {
      const value = Number(text.replace(/,/g, '').replace('−', '-'));
      const decimals = /\.(\d+)/.exec(text)?.[1].length ?? 0;
      const isInteger = decimals === 0 && !/e/.test(text);
      if (isInteger && value >= 1900 && value < 2100 && !unit) continue; // a year
      const counted = !isInteger || unit !== '' || value >= 100;
      if (counted) out.push({ text: `${text}${unit && unit !== 'K' ? ` ${unit}` : unit}`, value, decimals, unit, context });
    }
  }
  return out;
}

/** Numeric leaves of a JSON value (numbers, and numeric strings are not numbers). */
export function numericLeaves(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number' && Number.isFinite(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) numericLeaves(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) numericLeaves(v, out);
  return out;
}

/** Values a quoted number may come from: plain values, and seconds (matched by s, min and h). */
export interface Sources {
  readonly values: readonly number[];
  readonly seconds: readonly number[];
}

const roundsTo = (v: number, q: QuotedNumber) => Math.abs(v - q.value) <= 0.5 * 10 ** -q.decimals + 1e-9 * Math.max(1, Math.abs(v));

/** Whether a quoted number equals, at its printed precision, some value of the sources. */
export function matches(q: QuotedNumber, sources: Sources): boolean {
  if (q.unit === 's' || q.unit === 'min' || q.unit === 'h') {
    const scale = q.unit === 's' ? 1 : q.unit === 'min' ? 60 : 3600;
    return sources.seconds.some((s) => roundsTo(s / scale, q));
  }
  if (q.unit === '%') return sources.values.some((v) => roundsTo(100 * v, q) || roundsTo(v, q));
  if (q.unit === 'K') return sources.values.some((v) => v === q.value * 1000);
  if (/e/.test(q.text)) return sources.values.some((v) => Math.abs(v - q.value) <= 1e-12 * Math.abs(q.value));
  return sources.values.some((v) => roundsTo(v, q));
}
