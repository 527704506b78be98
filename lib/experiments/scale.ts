/**
 * Scales at which the book runs. 'paper' uses the appendix's settings exactly; 'quick' is the book's default,
 * still large enough to show each claim; 'smoke' only proves that a notebook runs end to end (CI).
 */
export type Scale = 'smoke' | 'quick' | 'paper';
export const SCALES: readonly Scale[] = ['smoke', 'quick', 'paper'];

export function isScale(s: string): s is Scale {
  return (SCALES as readonly string[]).includes(s);
}
