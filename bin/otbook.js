#!/usr/bin/env node
'use strict';
// The `otbook` program. It runs the compiled library in dist/ (built by `npm run build`, which the
// README's set-up command runs).
let main;
try {
  ({ main } = require('../dist/cli/main'));
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && /dist[\\/]cli[\\/]main/.test(String(e.message))) {
    process.stderr.write('otbook: error: the library is not built; run `npm run build` in the otbook checkout\n');
    process.exit(2);
  }
  throw e;
}
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`otbook: internal error: ${e && e.stack ? e.stack : e}\n`); process.exitCode = 1; },
);
