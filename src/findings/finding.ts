/**
 * The finding: one credential (rule + secret value) with every place it occurs. This is what reporters
 * print and what baselines key on. A finding answers: what credential, how long it lives and why we
 * think so, where else it is (the sprawl), which controls it breaks, and what to do.
 */
import type { Lifetime, Rule, Severity } from '../ruleset/rule.js';
import type { Provenance } from '../sources/provenance.js';
import type { CommitRef, GitExposure } from './exposure.js';
import type { Fingerprint, SecretHash } from './fingerprint.js';
import type { Secret } from './secret.js';

/** One place a secret was seen. */
export interface Occurrence {
  provenance: Provenance;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Line text around the secret, without the secret itself. */
  before: string;
  after: string;
  /** Present when the line carries `sprawl:allow`; the occurrence is reported as suppressed. */
  allowed?: { reason: string };
  /** Found inside encoded text: the decodings that led to it, outermost first; the location is the encoded run. */
  decodedVia?: string[];
  /**
   * Found in a file inside the archive at `provenance.path`: the file's path in it, `!`-joined through
   * nested archives. Line and column are the inner file's.
   */
  entry?: string;
  /** Present when a baseline entry accepts this finding at this path. */
  baselined?: { reason: string };
  /** In git history: the commit that first added this blob under this path. */
  introducedIn?: CommitRef;
  /**
   * `sprawl staged`: the same text is in a committed version of this file (HEAD's, or that of the commit a
   * merge, cherry-pick or rebase in progress brings in, under `path`), so the commit does not add it;
   * reported as suppressed (see sources/staged-already-committed.ts).
   */
  alreadyCommitted?: { ref: CommittedRef; path: string };
}

/** Where a staged secret is committed already: HEAD, or the commit a merge, cherry-pick or rebase in progress brings in. */
export type CommittedRef = 'HEAD' | 'MERGE_HEAD' | 'CHERRY_PICK_HEAD' | 'REBASE_HEAD';

/** Allowed inline, accepted in the baseline, or already committed: reported, but not a failure. */
export function isSuppressed(occurrence: Occurrence): boolean {
  return occurrence.allowed !== undefined || occurrence.baselined !== undefined || occurrence.alreadyCommitted !== undefined;
}

/** What offline checks said about the value. */
export type Validation =
  | { status: 'valid'; evidence: string }
  | { status: 'checksum-failed'; evidence: string }
  | { status: 'not-checked' };

export interface Finding {
  fingerprint: Fingerprint;
  secretHash: SecretHash;
  secret: Secret;
  rule: Rule;
  lifetime: Lifetime;
  /** A sentence of evidence for `lifetime`: from the rule, or from the value itself when it tells more. */
  lifetimeEvidence: string;
  /** ISO date when the value itself says when it expires (a JWT `exp`). */
  expiresAt?: string;
  severity: Severity;
  /** GitHub's 0.0–10.0 `security-severity`, from severity, lifetime and validation. */
  securitySeverity: number;
  validation: Validation;
  /** Facts the value revealed (AWS account, JWT issuer, key encrypted...). Never the value itself. */
  attributes: Record<string, string>;
  /** Every place it was seen, sorted by path then line: `occurrences.length` is the sprawl count. */
  occurrences: Occurrence[];
  /** True when every occurrence `isSuppressed`: reported as suppressed, not as a failure. */
  suppressed: boolean;
  /** In git history: how long it has been exposed, and where it lived. */
  exposure?: GitExposure;
}
