import { EXIT } from './exit-codes';

/**
 * Maps Ctrl-C and SIGTERM to an AbortSignal for the library: the first one asks the running work to stop at its
 * next safe point (training: after its iteration, writing a checkpoint; the evaluation after training: between
 * its steps, keeping the trained checkpoint); a second one quits at once (exit 130).
 */
export async function withInterrupt<T>(label: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write(`\n${label}: stopping at the next safe point; a checkpoint is kept (Ctrl-C again to quit now)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Whether an error is the stop of work by its AbortSignal (what AbortSignal.throwIfAborted throws). */
export function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}
