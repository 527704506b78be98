/**
 * Keeps figure JSON light: 4 significant digits are far below what a figure can show, and they cut the JSON of a
 * point cloud roughly in half compared with Float32 printed in full.
 */
export function sig4(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  if (v === 0) return 0; // also turns -0 into 0
  return Number(v.toPrecision(4));
}

/**
 * Evenly strided indices 0 ≤ i < n, at most `max` of them. Deterministic (no random stream is consumed, so a plot
 * never changes the numbers of an experiment) and representative when the cloud's order is random or blocked by
 * mixture component, since every block keeps its share.
 */
export function strideIndices(n: number, max: number): Int32Array {
  const m = Math.min(n, Math.max(0, Math.floor(max)));
  const out = new Int32Array(m);
  for (let k = 0; k < m; k++) out[k] = Math.floor((k * n) / m);
  return out;
}
