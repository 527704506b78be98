import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../helpers/cli';

interface Notebook {
  readonly cells: ReadonlyArray<{ readonly cell_type: string; readonly source: string | string[]; readonly metadata?: unknown }>;
  readonly metadata: { readonly kernelspec?: { readonly name?: string } };
}

const dir = join(ROOT, 'notebooks');
const notebooks = readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort();

/**
 * A notebook's code as one TypeScript module: imports hoisted, the rest inside an async function (tslab runs
 * cells with top-level await and shares their scope, which a function body reproduces).
 */
function asModule(nb: Notebook): string {
  const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
  const imports: string[] = [];
  const body: string[] = [];
  for (const cell of code) for (const line of cell.split('\n')) (/^import .* from '[^']+';$/.test(line) ? imports : body).push(line);
  return `${imports.join('\n')}\nexport async function notebook(): Promise<void> {\n${body.join('\n')}\n}\n`;
}

test('the book has its notebooks, each on the tslab kernel', () => {
  for (const n of ['00-setup-check', '01-failure-cases', '02-otm-vs-otp', '03-table1-sweep', '04-constant-noise-ablation', '05-w2-benchmark', '06-mnist-colorization', '07-diotm', '08-weak-ot', '09-your-data']) {
    assert.ok(notebooks.includes(`${n}.ipynb`), `${n}.ipynb is missing`);
  }
  for (const f of notebooks) {
    const nb = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Notebook;
    assert.equal(nb.metadata.kernelspec?.name, 'tslab', f);
  }
});

test("every notebook's code type-checks against the library it imports (strict mode)", () => {
  // Inside the repository, so that 'otbook' resolves through node_modules to the built dist/ (npm test builds first).
  const tmp = mkdtempSync(join(ROOT, 'node_modules', '.otbook-notebook-check-'));
  try {
    for (const f of notebooks) writeFileSync(join(tmp, f.replace(/\.ipynb$/, '.ts').replace(/^(\d)/, 'nb$1')), asModule(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Notebook));
    writeFileSync(
      join(tmp, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'commonjs', moduleResolution: 'node', esModuleInterop: true, skipLibCheck: true, types: ['node'], lib: ['ES2022', 'DOM'] }, include: ['*.ts'] }),
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tmp], { encoding: 'utf8' });
    assert.equal(r.status, 0, `notebook code does not type-check:\n${r.stdout}${r.stderr}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
