/**
 * The rule format: what one entry of `rules/*.yml` says, after validation. Rules are data so that users
 * can write, test (`sprawl rules check`) and ship their own; the fields below are the schema a rule
 * author reads. `load-rules.ts` turns YAML into these objects; `compile-rules.ts` turns them into RE2
 * programs inside each worker.
 */
import type { PlannedPart } from './fast-pattern.js';

/** How long a credential of this kind stays usable once copied (see DESIGN.md, "Lifetime classes"). */
export type Lifetime = 'durable' | 'refresh' | 'short-lived' | 'unknown';
export const LIFETIMES: readonly Lifetime[] = ['durable', 'refresh', 'short-lived', 'unknown'];

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** OWASP Non-Human Identity Top 10 (2025) ids, https://owasp.org/www-project-non-human-identities-top-10/ */
export const NHI_TOP10: Readonly<Record<string, string>> = {
  NHI1: 'Improper Offboarding',
  NHI2: 'Secret Leakage',
  NHI3: 'Vulnerable Third-Party NHI',
  NHI4: 'Insecure Authentication',
  NHI5: 'Overprivileged NHI',
  NHI6: 'Insecure Cloud Deployment Configurations',
  NHI7: 'Long-Lived Secrets',
  NHI8: 'Environment Isolation',
  NHI9: 'NHI Reuse',
  NHI10: 'Human Use of NHI',
};

/** One positive example: a template whose `{{fake}}` the test generator fills with a format-valid fake. */
export interface RuleExample {
  /** The text to scan, with `{{fake}}` (this rule's fake) or `{{fake:other.rule}}` placeholders. */
  text: string;
  /** What the rule must capture, as a template; defaults to `{{fake}}`. */
  secret: string;
  /** 1-based line of this example in its YAML file, so failures point at it. */
  line: number;
  /** A short label for test names, such as the expansion context (`yaml`, `json`). */
  label: string;
  /** The file name the example is scanned as (structural rules decide by it: `.mcp.json`). */
  file?: string;
}

export interface NegativeExample {
  /** Text that must not produce a match for this rule; may use `{{fake-bad-checksum}}`. */
  text: string;
  line: number;
  /** The file name it is scanned as, for structural rules. */
  file?: string;
}

export interface Rule {
  /** Stable forever: `provider.kind[.variant]`, lower case. A rename is a new rule. */
  id: string;
  /** Human name, shown in reports: "GitHub personal access token (classic)". */
  name: string;
  /** One or two sentences on what the credential is and what it grants. */
  description: string;
  /** Short provider label (`aws`, `github`): the file's `provider` unless the rule overrides it. */
  provider: string;
  /** Declared lifetime class; detectors may refine it from the value (JWT `exp`, AWS key prefix). */
  lifetime: Lifetime;
  /** One sentence of evidence for the lifetime class, ideally citing the provider's documentation. */
  lifetimeEvidence: string;
  severity: Severity;
  /** Case-insensitive literals, at least one of which occurs in every match: the prefilter keys on them. */
  keywords: string[];
  /**
   * A structural detector (`detectors/structural/`) that parses a kind of file instead of matching a
   * pattern; such a rule has no `pattern` (empty here) and no `keywords`, and its examples name a `file`.
   */
  detector?: string;
  /**
   * RE2 syntax. The secret is the group named `secret` (or, where alternatives capture it in different
   * places, the first of `secret`, `secret2`, `secret3`… that took part in the match), else group 1.
   */
  pattern: string;
  /**
   * RE2 syntax: what must come right before a match, on the same line (matched against the text before
   * the match, anchored at its end). It lets a pattern start at its keyword, where RE2 finds it fastest,
   * while the names in front still count: `(?i)token…` preceded by `(?:api|access|bot)[_.-]?`.
   */
  precededBy?: string;
  /** Minimum Shannon entropy (bits per character) of the secret; lower values are ignored. */
  minEntropy?: number;
  /**
   * A generic rule (a secret-named assignment, a bare JWT) gives way to a specific rule that matches the
   * same bytes, so one value is reported once, under its most precise name.
   */
  generic: boolean;
  /**
   * The captured text names the problem (a Terraform resource, the name of a stored secret, a TTL) and is
   * not itself a credential, so reports show it as it is instead of redacting it.
   */
  identifier: boolean;
  /**
   * The keywords are context the match needs nearby (a bare token format reported only near a name that
   * says what it is), not part of the match itself; the keyword check (check-keywords.ts) then allows it.
   */
  contextKeywords?: boolean;
  /**
   * The rule's matches can be longer than a kilobyte or span many lines (PEM blocks, manifests), so it
   * runs over whole chunks instead of the windows around its keywords. Give such rules rare keywords.
   */
  multiline: boolean;
  /** Name of an offline validator in `detectors/validators/` (checksum, structure). */
  validator?: string;
  /** A regex (randexp syntax) for the random part of a fake; the validator completes any checksum. */
  fake?: string;
  /** CWE ids, e.g. `CWE-798`. */
  cwe: string[];
  /** OWASP NHI Top 10 ids, e.g. `NHI2`. */
  nhi: string[];
  references: string[];
  /** One line: what to do about a finding. */
  remediation: string;
  examples: RuleExample[];
  negativeExamples: NegativeExample[];
  /** Where the rule was defined, for error messages: `rules/github.yml:14`. */
  origin: { file: string; line: number };
  /** Not written in YAML: the pattern's fast parts, worked out when the rule is loaded (see `planPattern`). */
  plan?: PlannedPart[];
}

/**
 * The part of a rule a worker needs to match: plain data, cheap to pass through `workerData`.
 */
export interface RuleMatcherSpec {
  id: string;
  pattern: string;
  precededBy?: string;
  keywords: string[];
  minEntropy?: number;
  validator?: string;
  generic: boolean;
  multiline: boolean;
  detector?: string;
  /** The pattern's fast parts, where the rule was loaded from a file; a spec made in code is planned when compiled. */
  plan?: PlannedPart[];
}

/**
 * What the detector needs of a rule, every key present (absent ones undefined) and in one order. The
 * compiler applies it again to specs that crossed to a worker as JSON (which drops undefined keys): with
 * one shape, the detector's reads of `rule.spec` stay monomorphic, where a dozen shapes made V8 throw
 * its optimised detector away each time a rule of a new shape first matched.
 */
export function matcherSpecOf(rule: RuleMatcherSpec): RuleMatcherSpec {
  return {
    id: rule.id,
    pattern: rule.pattern,
    precededBy: rule.precededBy,
    keywords: rule.keywords,
    minEntropy: rule.minEntropy,
    validator: rule.validator,
    generic: rule.generic,
    multiline: rule.multiline,
    detector: rule.detector,
    plan: rule.plan,
  };
}
