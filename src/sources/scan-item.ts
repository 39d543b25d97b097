/**
 * What a source hands to the engine: one input to scan, named by an id that the source can turn back
 * into provenance (a relative path, a git blob id). Files and git blobs are read by the workers
 * themselves; bytes that only the main thread has (a commit message, a staged file) travel with the item.
 */
export type ScanItem =
  /** `compression: 'gzip'`: a compressed log, decompressed as a stream while it is scanned. */
  | {
      kind: 'file';
      id: string;
      absolutePath: string;
      compression?: 'gzip';
      /**
       * The path as bytes, for a file whose name (or a folder's on the way) is not valid UTF-8: the text
       * form holds U+FFFD in its place and names no file, so it is opened by its bytes.
       */
      rawPath?: Uint8Array;
    }
  | { kind: 'bytes'; id: string; bytes: Uint8Array }
  /**
   * A blob of a git repository, by id (the item's id is the blob id), read by the worker itself through
   * its own `git cat-file --batch` in `repository`. `path` is one path it was committed under, for the
   * detectors that judge a file by its name (CI workflows, MCP configs).
   */
  | { kind: 'git-blob'; id: string; repository: string; path?: string };

/**
 * What a source lists. A source that lists many items at once (a folder, a window of git blobs) yields
 * them as one array: each step of an async iteration costs a few microseconds on the main thread, which
 * shares the cores with the workers, and made V8 optimise the generators that passed items on one by one.
 */
export type ScanItems = AsyncIterable<ScanItem | readonly ScanItem[]> | Iterable<ScanItem>;

/** Whether a source yielded several items at once. */
export function isItemList(listed: ScanItem | readonly ScanItem[]): listed is readonly ScanItem[] {
  return Array.isArray(listed);
}

/** A stream only this thread can read (stdin): scanned here as it arrives, in bounded memory. */
export interface StreamInput {
  id: string;
  stream: AsyncIterable<Uint8Array>;
}

/** What to open for a file item: its path as bytes where its name is not valid UTF-8, else its path. */
export function openablePath(item: Extract<ScanItem, { kind: 'file' }>): string | Buffer {
  return item.rawPath ? Buffer.from(item.rawPath) : item.absolutePath;
}
