export { runBook, runNotebook, listNotebooks } from './runner';
export type { BookOptions } from './runner';
export type { NotebookRun, TrainingRecord } from './records';
export { writeBookIndex } from './index-page';
export { SCALES, isScale } from '../experiments/scale';
export type { Scale } from '../experiments/scale';
export { bookContext, recordVerdicts, runBookExperiment } from './context';
export type { BookContext } from './context';
export { publishReport, showVerdicts } from './publish';
