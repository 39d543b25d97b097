/**
 * Writes a report to stdout or a file. A regular file is written beside its destination and renamed into
 * place, so an interrupted run never leaves half a report over the previous one. Anything else that
 * already exists at the path (`/dev/null`, `/dev/stdout`, a named pipe) is written to, never replaced:
 * renaming a file over `/dev/null` would turn the device into a plain file for the whole machine. A
 * symbolic link is followed, so the file it names gets the report and the link stays a link.
 */
import { chmodSync, lstatSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { UserError } from '../user-error.js';

export function writeOutput(text: string, outputPath: string | undefined): void {
  if (outputPath === undefined) {
    process.stdout.write(text);
    return;
  }
  const destination = followLink(outputPath);
  const existing = destination === undefined ? undefined : statOf(destination);
  if (destination === undefined || (existing && !existing.isFile())) {
    writeInPlace(text, destination ?? outputPath, outputPath);
    return;
  }
  const temporary = path.join(path.dirname(destination), `.${path.basename(destination)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    // The report takes the place of the old file, and keeps its permissions.
    if (existing) chmodSync(temporary, existing.mode & 0o7777);
    renameSync(temporary, destination);
  } catch (cause) {
    rmSync(temporary, { force: true });
    throw notWritable(outputPath, cause);
  }
}

/** The path, or the file a symbolic link at it names; undefined for a dangling link (written through as it is). */
function followLink(outputPath: string): string | undefined {
  let isLink: boolean;
  try {
    isLink = lstatSync(outputPath).isSymbolicLink();
  } catch {
    return outputPath; // nothing there yet
  }
  if (!isLink) return outputPath;
  try {
    return realpathSync(outputPath);
  } catch {
    return undefined;
  }
}

function statOf(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function writeInPlace(text: string, destination: string, outputPath: string): void {
  try {
    writeFileSync(destination, text);
  } catch (cause) {
    throw notWritable(outputPath, cause);
  }
}

function notWritable(outputPath: string, cause: unknown): UserError {
  return new UserError('output-not-writable', `${outputPath}: cannot write the report (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
}
