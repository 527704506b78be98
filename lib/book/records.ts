/**
 * The records the book's parts share: what a notebook run did (the runner writes it, the index page reads it) and
 * which grids a notebook trained (the notebook writes figures/<nb>/training.json, the runner reads it).
 */

export interface NotebookRun {
  readonly name: string;
  readonly status: 'ok' | 'failed';
  readonly seconds: number;
  /**
   * Cells the notebook trained (or copied from an identical finished run) in this run, out of the cells of its
   * grids (absent: it runs no grid). A run that found every cell finished only re-rendered, and its time says
   * nothing about training.
   */
  readonly producedCells?: { readonly produced: number; readonly of: number };
  readonly html: string;
  readonly notebook: string;
  readonly cellIndex?: number;
  readonly cellSource?: string;
  readonly error?: string;
}

/**
 * One experiment grid run by a notebook: how many of its cells this run produced (trained, or copied from an
 * identical finished run of another experiment); the rest were found finished in its results folder.
 */
export interface TrainingRecord {
  readonly experiment: string;
  readonly cells: number;
  readonly produced: number;
  readonly seconds: number;
}

/** figures/<notebook>/training.json: the grids the notebook ran this time (the book runner clears it first). */
export const TRAINING_FILE = 'training.json';
