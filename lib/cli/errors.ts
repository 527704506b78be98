/**
 * Errors a user can act on. The command line prints their message as one line (no stack trace unless
 * --debug) and exits with `exitCode`. Library code throws them for bad input of any kind.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Exit codes of the `otbook` program. */
export const EXIT = {
  ok: 0,
  /** Unexpected internal failure (a bug: stack trace printed). */
  internal: 1,
  /** Bad input: flags, config, files. */
  usage: 2,
  /** Training stopped on NaN/Inf (metrics.json status 'diverged'). */
  diverged: 3,
  /** A notebook cell failed while building the book. */
  notebookFailed: 4,
  /** Interrupted (SIGINT/SIGTERM) after writing a checkpoint. */
  interrupted: 130,
} as const;
