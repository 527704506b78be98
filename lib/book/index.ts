export { runBook, runNotebook, listNotebooks } from './runner';
export type { NotebookRun, BookOptions } from './runner';
export { writeBookIndex } from './index-page';
export type { Verdict } from './index-page';
export { SCALES, isScale } from './scale';
export type { Scale } from './scale';
export { bookContext, recordVerdicts, runBookExperiment } from './context';
export type { BookContext } from './context';
