#!/usr/bin/env node
/*
 * Builds otbook's optional native kernels (native/otbook_native.c → native/build/Release/otbook_native.node).
 * Called by the root package's postinstall and by environment/setup.sh. The addon is never required:
 * when no C compiler, no Node headers or no OpenBLAS is found, this prints one line and exits 0, and the
 * library runs on its JavaScript/wasm kernels. Set OTBOOK_NATIVE=0 to skip the build.
 *
 * Route: a direct compiler call (cc, or $CC) with the Node headers of this node binary; node-gyp is not
 * needed (it wants Python and may try to download headers, which fails offline). binding.gyp is kept for
 * those who prefer `node-gyp rebuild`. The compiler's output goes to native/build/build.log.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const outDir = path.join(here, 'build', 'Release');
const target = path.join(outDir, 'otbook_native.node');
const logFile = path.join(here, 'build', 'build.log');
const quiet = process.argv.includes('--quiet');

function say(line) {
  if (!quiet || line.startsWith('otbook native: built')) console.log(`otbook native: ${line}`);
}

function headerDirs() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const cands = [
    process.env.OTBOOK_NODE_HEADERS,
    path.join(prefix, 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
    process.config && process.config.variables && process.config.variables.node_prefix
      ? path.join(process.config.variables.node_prefix, 'include', 'node')
      : undefined,
  ].filter(Boolean);
  return cands.filter((d) => fs.existsSync(path.join(d, 'node_api.h')));
}

function main() {
  if (process.env.OTBOOK_NATIVE === '0') return say('skipped (OTBOOK_NATIVE=0)');
  if (process.platform === 'win32') return say('skipped (Windows is not supported; the JavaScript kernels are used)');
  const cc = process.env.CC || 'cc';
  const probe = spawnSync(cc, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return say(`skipped (no C compiler: ${cc}); the JavaScript kernels are used`);
  const headers = headerDirs();
  if (headers.length === 0) return say('skipped (Node headers node_api.h not found; set OTBOOK_NODE_HEADERS); the JavaScript kernels are used');
  fs.mkdirSync(outDir, { recursive: true });
  const extraInc = ['/usr/include/openblas', '/usr/local/opt/openblas/include', '/opt/homebrew/opt/openblas/include']
    .filter((d) => fs.existsSync(d)).map((d) => `-I${d}`);
  const extraLib = ['/usr/local/opt/openblas/lib', '/opt/homebrew/opt/openblas/lib']
    .filter((d) => fs.existsSync(d)).map((d) => `-L${d}`);
  const tuned = process.env.OTBOOK_NATIVE_MARCH ?? 'native';
  const args = [
    '-O3', '-fno-math-errno', ...(tuned ? [`-march=${tuned}`] : []), '-std=c11', '-fPIC', '-shared', '-Wall',
    `-I${headers[0]}`, ...extraInc, '-DNODE_GYP_MODULE_NAME=otbook_native',
    path.join(here, 'otbook_native.c'), '-o', target, ...extraLib, '-lopenblas', '-lm',
    ...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : []),
  ];
  let r = spawnSync(cc, args, { encoding: 'utf8' });
  if (r.status !== 0 && tuned) {
    // Some compilers reject -march=native; retry portable.
    r = spawnSync(cc, args.filter((a) => !a.startsWith('-march=')), { encoding: 'utf8' });
  }
  fs.writeFileSync(logFile, `${cc} ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.error || r.status !== 0) {
    const why = /cblas\.h|lopenblas|openblas/i.test(`${r.stderr}`) ? 'OpenBLAS not found (e.g. apt-get install libopenblas-dev)' : 'compile failed';
    return say(`skipped (${why}; see native/build/build.log); the JavaScript kernels are used`);
  }
  // A library that links but cannot load (wrong arch, missing .so at run time) counts as absent.
  const load = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(target)}).numThreads()`], { encoding: 'utf8' });
  if (load.status !== 0) {
    fs.appendFileSync(logFile, `\nload check failed:\n${load.stderr}`);
    fs.rmSync(target, { force: true });
    return say('skipped (the built addon does not load; see native/build/build.log); the JavaScript kernels are used');
  }
  say(`built ${path.relative(process.cwd(), target) || target} (OpenBLAS kernels for the cpu backend)`);
}

try {
  main();
} catch (e) {
  say(`skipped (${e && e.message ? e.message.split('\n')[0] : e}); the JavaScript kernels are used`);
}
process.exitCode = 0;
