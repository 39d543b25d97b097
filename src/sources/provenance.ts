/**
 * Where scanned bytes came from. Every occurrence of a secret carries one, so a report can say "line 12
 * of src/config.ts" today and "commit 3f1a2b0, path deploy/ci.yml" once history is scanned.
 */
export type Provenance =
  /** A file in the working tree; `path` is relative to the scan root, with `/` separators. */
  | { kind: 'file'; path: string }
  /** The staged (index) version of a file, as `git commit` would record it. */
  | { kind: 'staged'; path: string; blobId: string }
  /** A blob in git history, under this path; the commits that added and removed it are in `GitExposure`. */
  | { kind: 'git'; path: string; blobId: string }
  /** A commit message (ranges scan them too); `path` reads `<commit>:message` for reports. */
  | { kind: 'git-message'; path: string; commit: string };
