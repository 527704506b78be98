import type { Command } from '../command';
import { flagNumber, flagString } from '../args';
import { EXIT } from '../exit-codes';
import { runBook, type Scale } from '../../book';
import { SCALE_FLAG } from '../cell-flags';
import { withInterrupt } from '../signals';

export const command: Command = {
  name: 'book',
  summary: 'execute the notebooks (Jupyter, tslab kernel) and write book/*.html, book/index.html and figures/',
  usage: 'otbook book [--scale smoke|quick|paper] [--only NAME] [--cell-timeout S]',
  flags: {
    scale: SCALE_FLAG,
    only: { kind: 'string', value: 'NAME[,NAME…]', help: 'run only notebooks whose file name contains one of the NAMEs' },
    'cell-timeout': { kind: 'integer', value: 'S', help: 'stop a cell after S seconds (default: no limit)' },
  },
  async run(args) {
    let interrupted = false;
    const runs = await withInterrupt('otbook book', (signal) => {
      signal.addEventListener('abort', () => (interrupted = true), { once: true });
      return runBook({ scale: (flagString(args, 'scale') ?? 'quick') as Scale, only: flagString(args, 'only'), cellTimeout: flagNumber(args, 'cell-timeout') ?? 0, signal });
    });
    if (interrupted) return EXIT.interrupted;
    return runs.every((r) => r.status === 'ok') ? EXIT.ok : EXIT.notebookFailed;
  },
};
