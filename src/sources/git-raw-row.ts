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
  /** `A`dded, `D`eleted, `M`odified, `T`ype changed… (with `--no-renames`, no `R` or `C` score). */
  status: string;
}

/** The row a record holds, or undefined when it is not a row (a path, a commit header). */
export function rawRowOf(record: string): RawRow | undefined {
  const found = RAW_ROW.exec(record.startsWith('\n') ? record.slice(1) : record);
  if (!found) return undefined;
  const [, oldMode, newMode, oldId, newId, status] = found as unknown as [string, string, string, string, string, string];
  return { oldMode, newMode, oldId, newId, status };
}
