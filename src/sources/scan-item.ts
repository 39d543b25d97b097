/**
 * What a source hands to the engine: one input to scan, named by an id that the source can turn back
 * into provenance (a relative path, a git blob id). Files are read by the workers themselves; bytes that
 * only the main thread can get (a git blob, stdin) travel with the item.
 */
export type ScanItem =
  /** `compression: 'gzip'`: a compressed log, decompressed as a stream while it is scanned. */
  | { kind: 'file'; id: string; absolutePath: string; compression?: 'gzip' }
  | { kind: 'bytes'; id: string; bytes: Uint8Array };

/** A stream only this thread can read (stdin): scanned here as it arrives, in bounded memory. */
export interface StreamInput {
  id: string;
  stream: AsyncIterable<Uint8Array>;
}
