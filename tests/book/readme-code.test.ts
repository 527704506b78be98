import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../helpers/cli';

test("the README's API examples type-check against the library (strict mode)", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The library in two lines per primitive'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'no ts block in the API section');
  const lines = m[1].split('\n');
  const imports = lines.filter((l) => l.startsWith('import '));
  const body = lines.filter((l) => !l.startsWith('import '));
  // Placeholders for values the examples take as given (a user's tensors, weights, a figure, an iteration).
  const given = [
    "declare const tx: data.PointCloud;",
    'declare const a: Float64Array, b: Float64Array;',
    "declare const xT: import('@tensorflow/tfjs-core').Tensor2D, yT: import('@tensorflow/tfjs-core').Tensor2D;",
    'declare const alpha: number, k: number;',
    'declare const schedule: schedules.NoiseSchedule;',
    'declare const fig: plots.Figure;',
  ];
  const tmp = mkdtempSync(join(ROOT, 'node_modules', '.otbook-readme-check-'));
  try {
    writeFileSync(join(tmp, 'readme.ts'), `${imports.join('\n')}\n${given.join('\n')}\nexport async function readme(): Promise<void> {\n${body.join('\n')}\n}\n`);
    writeFileSync(join(tmp, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'commonjs', moduleResolution: 'node', esModuleInterop: true, skipLibCheck: true, types: ['node'], lib: ['ES2022', 'DOM'] }, include: ['*.ts'] }));
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tmp], { encoding: 'utf8' });
    assert.equal(r.status, 0, `README examples do not type-check:\n${r.stdout}${r.stderr}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
