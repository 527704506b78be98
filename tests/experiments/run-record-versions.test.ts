import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../lib/paths';
import { otbookCommit, versions } from '../../lib/versions';

// Every run record carries versions(); where otbook runs from a git checkout that includes the commit, because the
// package version does not change when the kernels' summation order does (and the last digits of results with it).
const hasGit = spawnSync('git', ['--version']).status === 0;

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('versions() names the checkout commit that `git rev-parse HEAD` gives', { skip: !hasGit && 'no git' }, (t) => {
  const root = repoRoot();
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return t.skip('this copy of otbook is not a git checkout');
  const recorded = versions()['otbook-commit'];
  assert.ok(recorded, 'otbook-commit recorded');
  assert.equal(recorded.slice(0, 40), head.stdout.trim());
  assert.match(recorded, /^[0-9a-f]{40}( \(modified\))?$/);
});

test('the commit is marked modified when tracked files differ, and absent outside a checkout or inside another project', { skip: !hasGit && 'no git' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'otbook-commit-'));
  try {
    // A checkout of its own: clean, then with a tracked file edited.
    const own = join(dir, 'own');
    mkdirSync(own);
    git(own, 'init', '-q');
    writeFileSync(join(own, 'a.txt'), 'one\n');
    git(own, 'add', 'a.txt');
    git(own, 'commit', '-qm', 'one');
    const hash = git(own, 'rev-parse', 'HEAD');
    assert.equal(otbookCommit(own), hash);
    const edited = join(dir, 'edited');
    git(dir, 'clone', '-q', own, edited);
    writeFileSync(join(edited, 'a.txt'), 'two\n');
    assert.equal(otbookCommit(edited), `${hash} (modified)`);
    // A folder inside another repository is not that repository's otbook commit.
    const nested = join(own, 'vendor', 'otbook');
    mkdirSync(nested, { recursive: true });
    assert.equal(otbookCommit(nested), null);
    // No repository at all.
    const bare = join(dir, 'plain');
    mkdirSync(bare);
    assert.equal(otbookCommit(bare), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
