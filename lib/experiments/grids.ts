/**
 * The names of the experiments' grids, each defined once: the registry builds its cells from them, the reports
 * lay out their tables and claims by them, and the defaults recognise the DIOTM tasks by them.
 */

/** OTP Fig. 3 (and Fig. 5): the four failure cases of App. E.1 at d = 2. */
export const FIG3_PAIRS = ['perpendicular', 'parallel', 'one-to-many', 'multi-perpendicular'] as const;
/** NOT against OTP (the weak-OT comparison of notebook 08): One-to-Many in 2-D. */
export const WEAK_OT_PAIRS = ['one-to-many'] as const;
/** OTP Table 1's pairs and dimensions. */
export const TABLE1_PAIRS = ['perpendicular', 'one-to-many'] as const;
export const TABLE1_DIMS = [2, 4, 16, 64, 256] as const;
/** The Table 1 claims about high dimension ("for d ≥ 16"). */
export const TABLE1_HIGH_DIMS = [16, 64, 256] as const;
/** OTP Table 3 (constant vs decreasing noise). */
export const TABLE3_DIMS = [16, 64] as const;
/** OTP Table 4 (W2 benchmark): the dimensions of the paper's table we can run, and 128 as an extra at the paper scale. */
export const TABLE4_DIMS = [16, 64] as const;
export const TABLE4_PAPER_DIMS = [16, 64, 128] as const;
/** DIOTM's 2-D tasks (Table 1), and those of its Table 3 with its regularizers and λ. */
export const DIOTM_TASKS = ['g8g', 'g25g', 'moon-spiral', 'g-circles'] as const;
export const DIOTM_TABLE3_TASKS = ['g8g', 'g25g', 'moon-spiral'] as const;
export const DIOTM_REGULARIZERS = ['otm', 'r1', 'hjb'] as const;
export const DIOTM_LAMBDAS = [0.1, 0.2, 1, 10] as const;
/** The corner of DIOTM Table 3 run at the smoke and quick scales (its paper-scale DIV cell included). */
export const DIOTM_TABLE3_CORNER = { tasks: ['g8g'], lambdas: [0.1, 1] } as const;

/**
 * The σ-schedule ablation (issue 18's probe, notebook 04): OTP on d = 16 One-to-Many with K = 3000 outer iterations,
 * its period P either the paper's 2000 (two σ levels) or scaled to keep the paper's K/P = 10 (P = 300); on the pair
 * as App. E.1 defines it and in rotated coordinates (the probe's "rotated" pair; lib/data/rotated.ts).
 */
export const SIGMA_SCHEDULE = { pairs: ['one-to-many', 'one-to-many-rotated'], dim: 16, iterations: 3000, periods: { twoLevels: 2000, paperRatio: 300 } } as const;
/** The coordinates notebook 04 draws of a σ-schedule run (x₁[1] and x₂[1], the first coordinate of each half); its runs ship these. */
export const SIGMA_SCHEDULE_AXES: readonly [number, number] = [0, SIGMA_SCHEDULE.dim / 2];
export const SIGMA_SCHEDULE_LABELS = { twoLevels: 'OTP (P = 2000)', paperRatio: 'OTP (P = 300)' } as const;

/** How tables and figures title the pairs and tasks. */
export const PAIR_TITLES: Readonly<Record<string, string>> = {
  perpendicular: 'Perpendicular',
  parallel: 'Parallel',
  'one-to-many': 'One-to-Many',
  'multi-perpendicular': 'Multi-Perpendicular (Grid)',
  g8g: 'G8G',
  g25g: 'G25G',
  'moon-spiral': 'Moon→Spiral',
  'g-circles': 'G→Circles',
  'one-to-many-rotated': 'One-to-Many (rotated)',
};
export const DIOTM_REGULARIZER_LABELS: Readonly<Record<(typeof DIOTM_REGULARIZERS)[number], string>> = { otm: 'OTM-style', r1: 'R1', hjb: 'HJB' };

export const titleOf = (pair: string): string => PAIR_TITLES[pair] ?? pair;
