import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { selectBackend } from '../../lib/backend';
import { UserError } from '../../lib/errors';
import { loadNative } from '../../lib/backend/kernels';
import { machineInfo } from '../../lib/versions';
import {
  campaignProcesses,
  campaignStatus,
  cellState,
  entryCells,
  formatProcesses,
  measuredRates,
  planCells,
  readCampaignPlan,
  runCampaign,
  shipCampaign,
  stopCampaign,
  type CampaignPlan,
} from '../../lib/experiments/campaign';
import { processStartTime, trainingRoot } from '../../lib/experiments/run-folder';
import { configHash, getExperiment } from '../../lib/experiments';
import { paths } from '../../lib/paths';

/** Points results/ and data/runs at fresh folders for the duration of one test. */
function withRoots(): { results: string; shipped: string; restore: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), 'otbook-campaign-'));
  const saved = { r: process.env.OTBOOK_RESULTS_ROOT, s: process.env.OTBOOK_SHIPPED_RUNS };
  const results = join(tmp, 'results');
  const shipped = join(tmp, 'runs');
  process.env.OTBOOK_RESULTS_ROOT = results;
  process.env.OTBOOK_SHIPPED_RUNS = shipped;
  const put = (k: 'OTBOOK_RESULTS_ROOT' | 'OTBOOK_SHIPPED_RUNS', v: string | undefined) => (v === undefined ? delete process.env[k] : (process.env[k] = v));
  return { results, shipped, restore: () => (put('OTBOOK_RESULTS_ROOT', saved.r), put('OTBOOK_SHIPPED_RUNS', saved.s)) };
}

function writePlan(plan: unknown): string {
  const f = join(mkdtempSync(join(tmpdir(), 'otbook-plan-')), 'plan.json');
  writeFileSync(f, JSON.stringify(plan));
  return f;
}

/** A finished run's record in `dir`, as runTraining writes it (only the fields the campaign reads). */
function writeRecord(dir: string, config: { readonly iterations: number; readonly seed?: number }, hash: string, extra: Record<string, unknown> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'loss.csv'), `iteration,seconds,potential\n${config.iterations},1.0,0.5\n`);
  const record = { status: 'completed', configHash: hash, iterations: config.iterations, iterationsDone: config.iterations, trainSeconds: 10, backend: { choice: 'cpu' }, metrics: { dTarget: 1 }, ...extra };
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify(record));
}

test('the committed plan is valid and puts the issue 16 priorities in order', () => {
  const plan = readCampaignPlan();
  const tiers = planCells(plan);
  const ids = (tier: string) => tiers.filter((c) => c.tier === tier).map((c) => `${c.experiment}/${c.cell.id}`);
  // Tier 1: d = 16, all methods, both pairs, three seeds (the One-to-Many OTM and OTP runs shipped earlier included).
  assert.equal(ids('1-d16').length, 18);
  for (const id of ['table1/d16-perpendicular-otm-s2', 'table1/d16-perpendicular-otm-s-s0', 'table1/d16-perpendicular-otp-s1', 'table1/d16-one-to-many-otm-s-s2']) {
    assert.ok(ids('1-d16').includes(id), id);
  }
  assert.equal(ids('2-d64').length, 18);
  assert.deepEqual(new Set(tiers.filter((c) => c.tier === '4a-d256-seed0').map((c) => c.cell.factors.seed)), new Set([0]));
  assert.deepEqual(plan.tiers.map((t) => t.name), ['1-d16', '1b-sigma-schedule', '2-d64', '3-low-d', '4a-d256-seed0', '4b-d256-seeds12', '5-rest']);
});

test('a bad plan is one clear line: unknown experiment, unknown cell, a filter that selects nothing, a schema fault', () => {
  const tier = (entry: unknown) => ({ title: 't', tiers: [{ name: 'a', why: 'w', entries: [entry] }] });
  assert.throws(() => readCampaignPlan(writePlan(tier({ experiment: 'nope', scale: 'paper' }))), (e: unknown) => e instanceof UserError && /unknown experiment 'nope'/.test(e.message));
  assert.throws(() => readCampaignPlan(writePlan(tier({ experiment: 'table1', scale: 'paper', cells: ['d3-x'] }))), /table1 has no cell d3-x/);
  assert.throws(() => readCampaignPlan(writePlan(tier({ experiment: 'table1', scale: 'paper', where: { dim: [3] } }))), /selects no cell/);
  assert.throws(() => readCampaignPlan(writePlan(tier({ experiment: 'table1', scale: 'huge' }))), (e: unknown) => e instanceof UserError && /scale/.test(e.message));
  assert.throws(() => readCampaignPlan(writePlan({ title: 't' })), (e: unknown) => e instanceof UserError && !/\n/.test(e.message));
  assert.throws(() => readCampaignPlan('/nonexistent/plan.json'), /file not found/);
});

test('entryCells filters by factors in grid order', () => {
  const cells = entryCells({ experiment: 'table1', scale: 'paper', where: { dim: [16], method: ['OTM-s'], seed: [0, 2] } });
  assert.deepEqual(cells.map((c) => c.id), ['d16-perpendicular-otm-s-s0', 'd16-perpendicular-otm-s-s2', 'd16-one-to-many-otm-s-s0', 'd16-one-to-many-otm-s-s2']);
});

test('cell states come from the folders: shipped, finished, partial, pending; a stale run counts as nothing', () => {
  const roots = withRoots();
  try {
    const [a, b, c, d] = getExperiment('fig3').cells('smoke');
    const dir = (root: string, id: string) => join(root, 'fig3', 'smoke', id);
    writeRecord(dir(roots.shipped, a.id), a.config, configHash(a.config));
    writeFileSync(join(dir(roots.shipped, a.id), 'samples.json'), '{}');
    writeRecord(dir(roots.shipped, b.id), b.config, configHash(b.config)); // a 2-D Fig. 3 run without samples is not shipped
    writeRecord(dir(roots.results, c.id), c.config, configHash(c.config));
    mkdirSync(dir(roots.results, d.id), { recursive: true });
    writeFileSync(join(dir(roots.results, d.id), 'config.json'), JSON.stringify(d.config));
    writeFileSync(join(dir(roots.results, d.id), 'loss.csv'), 'iteration,seconds,potential\n10,1,0\n20,2,0\n');
    assert.deepEqual(cellState('fig3', 'smoke', a), { state: 'shipped', iterationsDone: a.config.iterations });
    assert.equal(cellState('fig3', 'smoke', b).state, 'pending');
    assert.equal(cellState('fig3', 'smoke', c).state, 'finished');
    assert.deepEqual(cellState('fig3', 'smoke', d), { state: 'partial', iterationsDone: 20 });
    writeRecord(dir(roots.results, c.id), { ...c.config, seed: 99 }, 'another-config');
    assert.equal(cellState('fig3', 'smoke', c).state, 'pending');
    writeFileSync(join(dir(roots.results, d.id), 'config.json'), JSON.stringify({ ...d.config, seed: 99 }));
    assert.equal(cellState('fig3', 'smoke', d).state, 'pending', 'an interrupted run of another configuration is not this cell');
  } finally {
    roots.restore();
  }
});

test('status: remaining time from the measured rate of finished runs of the same shape', () => {
  const roots = withRoots();
  try {
    const plan: CampaignPlan = { title: 't', tiers: [{ name: 'one', why: 'w', entries: [{ experiment: 'weak-ot', scale: 'smoke' }] }] };
    const [not, otp] = getExperiment('weak-ot').cells('smoke');
    writeRecord(join(roots.results, 'weak-ot', 'smoke', not.id), not.config, configHash(not.config), { trainSeconds: 4, iterationsDone: not.config.iterations });
    const cells = planCells(plan);
    const rates = measuredRates(cells);
    assert.equal(rates.size, 1);
    const [status] = campaignStatus(plan, cells, rates);
    assert.deepEqual(status.counts, { shipped: 0, finished: 1, partial: 0, pending: 1 });
    assert.equal(status.remainingSeconds, null, 'OTP has another shape, with no finished run yet');
    // Give OTP's shape a measured rate: 2 s over its iterations; the pending OTP run then needs exactly that.
    writeRecord(join(roots.results, 'weak-ot', 'smoke', otp.id), otp.config, configHash(otp.config), { trainSeconds: 2 });
    const cells2 = planCells(plan);
    const [done] = campaignStatus(plan, cells2, measuredRates(cells2));
    assert.equal(done.remainingSeconds, 0);
  } finally {
    roots.restore();
  }
});

test('run trains only what is neither shipped nor finished, and ship copies finished runs with 4-decimal samples', async () => {
  await selectBackend({ force: 'cpu', announce: false });
  const roots = withRoots();
  try {
    const [a, b] = getExperiment('weak-ot').cells('smoke');
    const shippedDir = join(roots.shipped, 'weak-ot', 'smoke', a.id);
    writeRecord(shippedDir, a.config, configHash(a.config));
    writeFileSync(join(shippedDir, 'samples.json'), '{}');
    const plan: CampaignPlan = { title: 't', tiers: [{ name: 'one', why: 'w', entries: [{ experiment: 'weak-ot', scale: 'smoke' }] }] };
    const lines: string[] = [];
    const results = await runCampaign(plan, { log: (l) => lines.push(l) });
    assert.deepEqual(results.map((r) => [r.id, r.status]), [[b.id, 'completed']], lines.join('\n'));
    assert.ok(!existsSync(join(roots.results, 'weak-ot', 'smoke', a.id)), 'the shipped cell was trained again');
    const shipped = shipCampaign(plan);
    assert.deepEqual(shipped.map((s) => s.id), [b.id]);
    const to = join(roots.shipped, 'weak-ot', 'smoke', b.id);
    assert.deepEqual(readdirSync(to).sort(), ['config.json', 'loss.csv', 'metrics.json', 'samples.json']);
    const samples = JSON.parse(readFileSync(join(to, 'samples.json'), 'utf8')) as { transported: number[][] };
    assert.ok(samples.transported.length > 0);
    for (const row of samples.transported) for (const v of row) assert.equal(v, Number(v.toFixed(4)));
    // Trained now: the record names its machine from training (no 'recorded' mark), with the BLAS this process loaded.
    const record = JSON.parse(readFileSync(join(to, 'metrics.json'), 'utf8')) as { machine?: { cpu: string; blas: string; recorded?: string } };
    assert.ok(record.machine && record.machine.cpu.length > 0 && record.machine.recorded === undefined, JSON.stringify(record.machine));
    assert.equal(record.machine.blas, machineInfo().blas);
    assert.equal(cellState('weak-ot', 'smoke', b).state, 'shipped');
    assert.deepEqual(shipCampaign(plan), [], 'shipping again copies nothing');
  } finally {
    roots.restore();
  }
});

test('a 16-D σ-schedule run ships the two coordinates notebook 04 draws (x₁[1], x₂[1]), not all sixteen', () => {
  const roots = withRoots();
  try {
    const [cell] = getExperiment('sigma-schedule').cells('paper');
    const from = join(roots.results, 'sigma-schedule', 'paper', cell.id);
    writeRecord(from, cell.config, configHash(cell.config));
    const columns = Array.from({ length: 16 }, (_, j) => j);
    const row = (k: number) => columns.map((j) => k + j / 100 + 1e-7); // coordinate j of point k, past 4 decimals
    const rows = [row(1), row(2), row(3)];
    writeFileSync(join(from, 'samples.json'), JSON.stringify({ columns, x: rows, transported: rows, target: rows }));
    const plan: CampaignPlan = { title: 't', tiers: [{ name: 'one', why: 'w', entries: [{ experiment: 'sigma-schedule', scale: 'paper', cells: [cell.id] }] }] };
    assert.deepEqual(shipCampaign(plan).map((r) => r.id), [cell.id]);
    const shipped = JSON.parse(readFileSync(join(roots.shipped, 'sigma-schedule', 'paper', cell.id, 'samples.json'), 'utf8')) as { columns: number[]; x: number[][] };
    assert.deepEqual(shipped.columns, [0, 8]);
    assert.deepEqual(shipped.x, [[1, 1.08], [2, 2.08], [3, 3.08]]);
    assert.equal(cellState('sigma-schedule', 'paper', cell).state, 'shipped');
  } finally {
    roots.restore();
  }
});

test('data/runs stays small: under 50 MB, samples only of the two coordinates a figure draws, each under 200 KB', () => {
  let total = 0;
  const visit = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else {
        const size = statSync(p).size;
        total += size;
        if (e.name === 'samples.json') {
          assert.ok(size < 200 * 1024, `${p}: ${size} bytes`);
          const samples = JSON.parse(readFileSync(p, 'utf8')) as { columns: number[]; transported: number[][] };
          assert.equal(samples.columns.length, 2, `${p}: samples shipped of ${samples.columns.length} coordinates`);
          assert.ok(samples.transported.every((row) => row.length === 2), `${p}: rows of the two coordinates`);
        }
      }
    }
  };
  visit(paths.shippedRuns());
  assert.ok(total > 0 && total < 50 * 2 ** 20, `data/runs holds ${total} bytes`);
});

/** A node process that runs `script` (a file it writes), prints its pid and, on SIGINT, writes `marker` and exits. */
function sleeper(dir: string, name: string, body = ''): { child: ChildProcess; pid: Promise<number>; marker: string } {
  const script = join(dir, `${name}.js`);
  const marker = join(dir, `${name}.interrupted`);
  writeFileSync(script, `process.on('SIGINT', () => { require('fs').writeFileSync(${JSON.stringify(marker)}, String(process.pid)); process.exit(130); });\n${body}\nconsole.log(process.pid); setInterval(() => {}, 1000);\n`);
  const child = spawn(process.execPath, [script, 'parent'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = new Promise<number>((res) => child.stdout?.once('data', (d: Buffer) => res(Number(String(d).trim().split('\n').pop()))));
  return { child, pid, marker };
}

const exited = (child: ChildProcess) => new Promise<void>((res) => (child.exitCode !== null ? res() : child.once('exit', () => res())));

test('status names the process training a cell of the plan (from its run folder lock); stop interrupts it, and ignores stale locks', async () => {
  const roots = withRoots();
  const tmp = mkdtempSync(join(tmpdir(), 'otbook-stop-'));
  const s = sleeper(tmp, 'trainer');
  try {
    const plan: CampaignPlan = { title: 't', tiers: [{ name: 'one', why: 'w', entries: [{ experiment: 'weak-ot', scale: 'smoke' }] }] };
    const [a, b] = getExperiment('weak-ot').cells('smoke');
    const pid = await s.pid;
    const lock = (id: string, owner: number) => {
      const dir = join(roots.results, 'weak-ot', 'smoke', id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: owner, started: processStartTime(owner), host: hostname(), since: '2026-12-07T21:41:28.494Z' }));
    };
    lock(a.id, pid);
    // A stale lock: its process is gone (a pid beyond the kernel's range is never alive).
    lock(b.id, 2 ** 22 + 7);
    const cells = planCells(plan);
    assert.deepEqual(cells.find((c) => c.cell.id === a.id)?.trainingBy, { pid, since: '2026-12-07T21:41:28.494Z' });
    assert.equal(cells.find((c) => c.cell.id === b.id)?.trainingBy, undefined);
    const procs = campaignProcesses(cells);
    assert.deepEqual(procs, [{ pid, since: '2026-12-07T21:41:28.494Z', cells: [`weak-ot/smoke/${a.id}`] }]);
    assert.match(formatProcesses(procs), new RegExp(`^training now: process ${pid}, since 2026-12-07 21:41:28 UTC: weak-ot/smoke/${a.id}\\n.*otbook campaign stop`, 's'));
    assert.deepEqual(stopCampaign(cells), procs);
    await exited(s.child);
    assert.equal(readFileSync(s.marker, 'utf8'), String(pid), 'the trainer got SIGINT');
    assert.equal(s.child.exitCode, 130);
    // Its process gone, the lock is stale: nothing trains the plan now.
    assert.deepEqual(campaignProcesses(planCells(plan)), []);
    assert.match(formatProcesses([]), /^training now: nothing/);
  } finally {
    s.child.kill('SIGKILL');
    roots.restore();
  }
});

test("a sweep's worker is stopped through its parent (the same script), which passes the interrupt on", async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'otbook-stop-'));
  // The parent starts one worker of its own script (argv 'child') and prints the worker's pid after its own.
  const s = sleeper(tmp, 'sweep', `if (process.argv[2] === 'parent') {
    const w = require('child_process').spawn(process.execPath, [__filename, 'child'], { stdio: ['ignore', 'pipe', 'inherit'] });
    w.stdout.once('data', (d) => console.log(String(d).trim()));
  }`);
  try {
    const parent = await s.pid;
    const worker = await new Promise<number>((res) => s.child.stdout?.once('data', (d: Buffer) => res(Number(String(d).trim()))));
    assert.notEqual(worker, parent);
    assert.equal(trainingRoot(worker), parent);
    assert.equal(trainingRoot(parent), parent, "the parent's own parent (this test) runs another script");
  } finally {
    s.child.kill('SIGKILL');
    spawnSync('pkill', ['-KILL', '-f', join(tmp, 'sweep.js')]);
  }
});

// A record from before training wrote its machine gets one when shipped. Its BLAS entry must name the library the run
// used: the shipping process loads the native kernels first when the run's backend had them (before, 90 shipped
// records of native-OpenBLAS runs said 'none loaded'). A child process, so that no backend is loaded beforehand.
test('ship gives a record without a machine the BLAS its run used, also in a process that has not loaded a backend', (t) => {
  if (loadNative().addon === null) {
    t.skip('the native kernels are not built here');
    return;
  }
  const roots = withRoots();
  try {
    const [cell] = getExperiment('weak-ot').cells('smoke');
    const from = join(roots.results, 'weak-ot', 'smoke', cell.id);
    writeRecord(from, cell.config, configHash(cell.config), { backend: { choice: 'cpu', kernels: ['cpu:native-openblas'] } });
    writeFileSync(join(from, 'samples.json'), JSON.stringify({ columns: [0, 1], x: [[0, 0]], transported: [[0.123456, 1]], target: [[1, 1]] }));
    const plan = writePlan({ title: 't', tiers: [{ name: 'one', why: 'w', entries: [{ experiment: 'weak-ot', scale: 'smoke', cells: [cell.id] }] }] });
    const script = `const c = require('./lib/experiments/campaign'); c.shipCampaign(c.readCampaignPlan(${JSON.stringify(plan)}));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '..', '..'), encoding: 'utf8', env: process.env });
    assert.equal(r.status, 0, r.stderr);
    const record = JSON.parse(readFileSync(join(roots.shipped, 'weak-ot', 'smoke', cell.id, 'metrics.json'), 'utf8')) as { machine: { blas: string; recorded: string } };
    assert.match(record.machine.recorded, /when shipped/);
    assert.match(record.machine.blas, /blas/i);
    assert.notEqual(record.machine.blas, 'none loaded');
  } finally {
    roots.restore();
  }
});
