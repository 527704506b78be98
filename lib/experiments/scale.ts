/**
 * Scales at which the book runs. 'paper' uses the appendix's settings exactly; 'quick' is the book's default,
 * still large enough to show each claim; 'smoke' only proves that a notebook runs end to end (CI).
 */
export type Scale = 'smoke' | 'quick' | 'paper';
export const SCALES: readonly Scale[] = ['smoke', 'quick', 'paper'];

export function isScale(s: string): s is Scale {
  return (SCALES as readonly string[]).includes(s);
}

/**
 * The evidence a run gives on a paper's claim, strongest first (docs/VERDICTS.md): 'paper', the appendix's
 * settings exactly; 'reduced', the appendix's settings with fewer iterations (schedule periods scaled), usable
 * for a verdict only where its agreement with the paper level has been measured; 'quick', changed
 * hyperparameters (a pipeline check, never a verdict). Each experiment declares the level of each of its scales
 * (lib/experiments/registry.ts); lib/verdicts holds what the levels mean for a verdict.
 */
export type EvidenceLevel = 'paper' | 'reduced' | 'quick';
export const EVIDENCE_LEVELS: readonly EvidenceLevel[] = ['paper', 'reduced', 'quick'];

export function isEvidenceLevel(s: string): s is EvidenceLevel {
  return (EVIDENCE_LEVELS as readonly string[]).includes(s);
}
