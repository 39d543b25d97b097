/**
 * Where scanned bytes came from. Every occurrence of a secret carries one, so a report can say "line 12
 * of src/config.ts" today and "commit 3f1a2b0, path deploy/ci.yml" once history is scanned.
 */
export type Provenance =
  /** A file in the working tree; `path` is relative to the scan root, with `/` separators. */
  | { kind: 'file'; path: string };

export function provenancePath(provenance: Provenance): string {
  return provenance.path;
}
