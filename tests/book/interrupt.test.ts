import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otbookInterrupted } from '../helpers/cli';

const jupyter = existsSync('/usr/bin/jupyter-nbconvert') || existsSync('/usr/lib/python3/dist-packages/nbclient');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number, ms: number): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 100))) if (!alive(pid)) return true;
  return !alive(pid);
}

// The executor runs the kernel in a session of its own, out of reach of the signals `otbook book` gets. A cell that
// starts a process of its own (as a sweep starts its workers) and then waits stands in for a notebook that trains.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to otbook book stops the kernel and what its cell started, and says so (exit 130)`, { skip: !jupyter && 'Jupyter is not installed (bash environment/setup.sh)' }, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'otbook-book-stop-'));
    const notebooks = join(tmp, 'notebooks');
    mkdirSync(notebooks);
    const pids = join(tmp, 'pids.json');
    const cell = [
      "const { spawn } = require('child_process');",
      "const worker = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
      `require('fs').writeFileSync(${JSON.stringify(pids)}, JSON.stringify({ kernel: process.pid, worker: worker.pid }));`,
      'await new Promise(() => {});',
    ].join('\n');
    const nb = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', id: 'a', metadata: {}, execution_count: null, outputs: [], source: cell }] };
    writeFileSync(join(notebooks, 'waits.ipynb'), JSON.stringify(nb));
    const env = { OTBOOK_NOTEBOOKS_DIR: notebooks, OTBOOK_BOOK_DIR: join(tmp, 'book'), OTBOOK_FIGURES_ROOT: join(tmp, 'figures'), OTBOOK_RESULTS_ROOT: join(tmp, 'results') };
    const r = await otbookInterrupted(['book', '--scale', 'smoke', '--only', 'waits'], () => existsSync(pids), env, signal);
    const { kernel, worker } = JSON.parse(readFileSync(pids, 'utf8')) as { kernel: number; worker: number };
    try {
      assert.equal(r.code, 130, r.stderr);
      assert.ok(await gone(kernel, 10_000), `the kernel ${kernel} still runs`);
      assert.ok(await gone(worker, 10_000), `the process ${worker} its cell started still runs`);
      // The executed notebook says where it stopped.
      const executed = JSON.parse(readFileSync(join(tmp, 'book', 'waits.ipynb'), 'utf8')) as { metadata: { otbook: { execution: { status: string; kind: string; cell_index: number } } } };
      assert.deepEqual([executed.metadata.otbook.execution.status, executed.metadata.otbook.execution.kind, executed.metadata.otbook.execution.cell_index], ['failed', 'interrupted', 1]);
    } finally {
      for (const pid of [kernel, worker]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
}
