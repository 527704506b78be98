/** Versions of the packages a result depends on; recorded in every result file. */
export function versions(): Record<string, string> {
  const out: Record<string, string> = { node: process.versions.node };
  for (const pkg of ['otbook', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
    try {
      const path = pkg === 'otbook' ? '../package.json' : `${pkg}/package.json`;
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      out[pkg] = (require(path) as { version: string }).version;
    } catch {
      /* not installed */
    }
  }
  return out;
}
