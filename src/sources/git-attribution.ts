/**
 * Which commits added and removed the blobs that hold findings: one `git log --raw` pass over the scanned
 * history (merges included with `-m`), keeping only the rows that touch those blobs. Asked only when a
 * scan finds something, so a clean history costs nothing here.
 */
import type { BlobEvent, CommitRef } from '../findings/exposure.js';
import type { GitRepository } from './git.js';

const RAW_LINE = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*\t(.+)$/;
const ZERO_ID = /^0+$/;

/**
 * The raw log of the scanned history: every commit with the blobs it added and removed. Started as soon
 * as a scan finds something, while it goes on, and read by `blobEventsIn` once the findings are known.
 */
export function historyLog(repository: GitRepository, revisionArgs: readonly string[]): Promise<string> {
  return repository.run(['log', '--format=%x00%H%x09%cI%x09%an%x09%P', '--raw', '--no-abbrev', '-m', '--no-renames', ...revisionArgs]);
}

/** The rows of a `historyLog` that add or remove these blobs. */
export function blobEventsIn(log: string, blobIds: ReadonlySet<string>): BlobEvent[] {
  if (blobIds.size === 0) return [];
  const events: BlobEvent[] = [];
  const seen = new Set<string>();
  let commit: CommitRef | undefined;
  let firstParent: string | undefined;
  for (const line of log.split('\n')) {
    if (line.startsWith('\0')) {
      const [id = '', date = '', author = '', parents = ''] = line.slice(1).split('\t');
      commit = { id, date: new Date(date).toISOString(), author }; // UTC, so dates compare and read the same everywhere
      firstParent = parents.split(' ')[0] || undefined;
      continue;
    }
    const raw = RAW_LINE.exec(line);
    if (!raw || !commit) continue;
    const [, , newMode, oldId, newId, status, path] = raw as unknown as [string, string, string, string, string, string, string];
    if (newMode === '160000') continue; // a submodule commit, not a blob
    const record = (event: BlobEvent) => {
      const key = `${event.kind}\0${event.blobId}\0${event.commit.id}\0${event.path}`;
      if (!seen.has(key)) {
        seen.add(key);
        events.push(event);
      }
    };
    if (blobIds.has(newId) && !ZERO_ID.test(newId) && status !== 'D') record({ blobId: newId, kind: 'added', commit, path });
    if (blobIds.has(oldId) && oldId !== newId && status !== 'A') {
      record({ blobId: oldId, kind: 'removed', commit, path, ...(firstParent ? { parentId: firstParent } : {}) });
    }
  }
  return events;
}

/** HEAD's commit and the blobs of its tree; empty for a repository without commits. */
export async function headSnapshot(repository: GitRepository): Promise<{ commitId: string; blobIds: Set<string> }> {
  const commitId = (await repository.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '')).trim();
  if (!commitId) return { commitId: '', blobIds: new Set() };
  const tree = await repository.run(['ls-tree', '-r', '--full-tree', 'HEAD']);
  const blobIds = new Set<string>();
  for (const line of tree.split('\n')) {
    const [meta] = line.split('\t');
    const parts = meta?.split(' ');
    if (parts?.[1] === 'blob' && parts[2]) blobIds.add(parts[2]);
  }
  return { commitId, blobIds };
}
