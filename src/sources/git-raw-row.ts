/**
 * One row of git's `--raw` output with `-z` (`git diff --cached`, `git log`): the modes, ids and status
 * of a changed path, as a record of its own; the path is the next record. The first row after a commit
 * header in `git log` starts with a newline.
 */
const RAW_ROW = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*$/;

export interface RawRow {
  oldMode: string;
  newMode: string;
  oldId: string;
  newId: string;
  /** `A`dded, `D`eleted, `M`odified, `T`ype changed, `R`enamed, `C`opied (the similarity score dropped). */
  status: string;
}

/** The row a record holds, or undefined when it is not a row (a path, a commit header). */
export function rawRowOf(record: string): RawRow | undefined {
  const found = RAW_ROW.exec(record.startsWith('\n') ? record.slice(1) : record);
  if (!found) return undefined;
  const [, oldMode, newMode, oldId, newId, status] = found as unknown as [string, string, string, string, string, string];
  return { oldMode, newMode, oldId, newId, status };
}

/**
 * Just the old and new ids of a row, found by its spaces (undefined when the record is not a row): for a
 * reader that wants only the rows about a few blobs, and skips the rest of thousands without parsing them.
 */
export function rawRowIdsOf(record: string): [oldId: string, newId: string] | undefined {
  const start = record.charCodeAt(0) === 0x0a ? 1 : 0;
  if (record.charCodeAt(start) !== 0x3a) return undefined; // ':'
  const afterOldMode = record.indexOf(' ', start);
  const afterNewMode = record.indexOf(' ', afterOldMode + 1);
  const afterOldId = record.indexOf(' ', afterNewMode + 1);
  const afterNewId = record.indexOf(' ', afterOldId + 1);
  if (afterOldMode < 0 || afterNewMode < 0 || afterOldId < 0 || afterNewId < 0) return undefined;
  return [record.slice(afterNewMode + 1, afterOldId), record.slice(afterOldId + 1, afterNewId)];
}

export interface RawChange {
  mode: string;
  blobId: string;
  path: string;
  /** The committed version this one replaces: a modified, type-changed or renamed file's (not a copy's). */
  previous?: { blobId: string; path: string };
}

/**
 * Parses `git diff --raw -z`: `:oldmode newmode oldid newid status` NUL `path` NUL, where a rename or
 * copy (`R86`, `C100`) names two paths, the old one first.
 */
export function parseRawDiff(raw: string): RawChange[] {
  const fields = raw.split('\0');
  const changes: RawChange[] = [];
  for (let at = 0; at + 1 < fields.length; ) {
    const row = rawRowOf(fields[at]!);
    if (!row) break;
    const twoPaths = row.status === 'R' || row.status === 'C';
    const oldPath = fields[at + 1]!;
    const newPath = twoPaths ? fields[at + 2] : oldPath;
    if (newPath === undefined) break;
    const replaces = row.status === 'M' || row.status === 'T' || row.status === 'R';
    changes.push({ mode: row.newMode, blobId: row.newId, path: newPath, ...(replaces ? { previous: { blobId: row.oldId, path: oldPath } } : {}) });
    at += twoPaths ? 3 : 2;
  }
  return changes;
}
