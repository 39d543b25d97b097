/**
 * What a source hands to the engine: one input to scan, named by an id that the source can turn back
 * into provenance (a relative path, a git blob id). Files are read by the workers themselves; bytes that
 * only the main thread can get (a git blob, stdin) travel with the item.
 */
export type ScanItem =
  | { kind: 'file'; id: string; absolutePath: string }
  | { kind: 'bytes'; id: string; bytes: Uint8Array };
