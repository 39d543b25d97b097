/**
 * Writes a report to stdout or a file. A file is written beside its destination and renamed into place,
 * so an interrupted run never leaves half a report over the previous one.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../user-error.js';

export function writeOutput(text: string, outputPath: string | undefined): void {
  if (outputPath === undefined) {
    process.stdout.write(text);
    return;
  }
  const temporary = path.join(path.dirname(outputPath), `.${path.basename(outputPath)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, outputPath);
  } catch (cause) {
    rmSync(temporary, { force: true });
    throw new UserError('output-not-writable', `${outputPath}: cannot write the report (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
}
