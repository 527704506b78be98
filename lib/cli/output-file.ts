import { closeSync, openSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors';

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * Checks a file a command is about to write, before any work: a folder is refused; so are, without `force`,
 * the command's input file and any existing file (nothing is overwritten silently); its folder must exist.
 */
export function checkOutputFile(path: string, o: { readonly input?: string; readonly force: boolean; readonly flag: string }): void {
  if (path.trim() === '') throw new UserError(`${o.flag}: the path is empty; give a file name, e.g. ${o.flag} out.csv`);
  const st = statOrNull(path);
  if (st?.isDirectory()) throw new UserError(`${o.flag} ${path}: is a folder; give a file name, e.g. ${o.flag} ${path.replace(/\/+$/, '')}/out.csv`);
  const inputStat = o.input !== undefined ? statOrNull(o.input) : null;
  const isInput = o.input !== undefined && (resolve(o.input) === resolve(path) || (st !== null && inputStat !== null && st.dev === inputStat.dev && st.ino === inputStat.ino));
  if (isInput && !o.force) throw new UserError(`${o.flag} ${path}: is the input file, which would be overwritten; give another file (or --force)`);
  if (st && !o.force) throw new UserError(`${o.flag} ${path}: the file exists; give another file, or --force to replace it`);
  const folder = statOrNull(dirname(resolve(path)));
  if (!folder?.isDirectory()) throw new UserError(`${o.flag} ${path}: the folder ${dirname(path)} does not exist`);
}

/**
 * Writes a CSV file of `rows` lines after a header, a chunk at a time (no string of the whole file), to a temporary
 * file renamed over `path` at the end: a failure or a kill never leaves a half-written file under `path`.
 */
export function writeCsvRows(path: string, header: readonly string[], rows: number, row: (r: number) => string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    let chunk = `${header.join(',')}\n`;
    for (let r = 0; r < rows; r++) {
      chunk += `${row(r)}\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* not created */
    }
    const code = (e as { code?: unknown }).code;
    throw new UserError(`${path}: cannot be written (${typeof code === 'string' ? code : e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}
