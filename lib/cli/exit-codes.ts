/** Exit codes of the `otbook` program (only the command line knows them). */
export const EXIT = {
  ok: 0,
  /** Unexpected internal failure (a bug: stack trace printed). */
  internal: 1,
  /** Bad input: flags, config, files (a UserError). */
  usage: 2,
  /** Training stopped on NaN/Inf (metrics.json status 'diverged'). */
  diverged: 3,
  /** A notebook cell failed while building the book. */
  notebookFailed: 4,
  /** Interrupted (SIGINT/SIGTERM) after writing a checkpoint. */
  interrupted: 130,
} as const;

/** The exit code of a training run that ended with this status. */
export function exitCodeOfStatus(status: 'completed' | 'diverged' | 'interrupted'): number {
  return status === 'completed' ? EXIT.ok : status === 'diverged' ? EXIT.diverged : EXIT.interrupted;
}
