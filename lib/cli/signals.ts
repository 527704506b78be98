import { EXIT } from './exit-codes';

/**
 * Maps Ctrl-C and SIGTERM to an AbortSignal for the library: the first one asks the running training to stop
 * after its iteration and write a checkpoint; a second one quits at once (exit 130).
 */
export async function withInterrupt<T>(label: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write(`\n${label}: stopping after this iteration and writing a checkpoint (Ctrl-C again to quit now)\n`);
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
