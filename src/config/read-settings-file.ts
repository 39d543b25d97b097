/**
 * Reads a file the user gives sprawl to steer it (a config, a baseline, a rule file, another scanner's
 * ignore list), never one it scans. Such a file is small and regular: a link to `/dev/zero` or a device
 * would be read until memory ran out (16 GB, then an abort), so anything else is refused with a reason
 * the caller puts in its one-line error, as it does an `ENOENT`.
 */
import { readFileSync, statSync } from 'node:fs';

export function readSettingsFile(file: string, maxBytes: number): string {
  const stats = statSync(file);
  if (stats.isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
  if (!stats.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
  if (stats.size > maxBytes) throw Object.assign(new Error('too large'), { code: `larger than ${Math.round(maxBytes / 1024 / 1024)} MiB` });
  return readFileSync(file, 'utf8');
}
