/**
 * The contract of an offline validator: a check of a captured value that needs no network. Formats with
 * a checksum (GitHub, npm) say whether it holds; formats with structure (JWT, AWS key ids, PEM keys) say
 * whether the value really is one, and what it reveals (expiry, encryption, account).
 */

export type ValidatorVerdict =
  /** The value passed a check that random text rarely passes (a checksum, a decodable structure). */
  | { kind: 'valid'; evidence: string; attributes?: Record<string, string> }
  /**
   * Right shape, but the checksum fails: most often a made-up example or a truncated copy. Kept as a
   * low-severity finding rather than dropped, because a mistyped real token is still worth a look.
   */
  | { kind: 'checksum-failed'; evidence: string }
  /** Not this kind of credential at all (a JWT-shaped string that does not decode); the match is dropped. */
  | { kind: 'reject'; reason: string };

/** Settings a project can change (`.sprawl.yml` `thresholds:`), for validators that judge by them. */
export interface ValidatorSettings {
  /** Token lifetimes above this many hours are standing access (default 720, thirty days). */
  maxTokenLifetimeHours: number;
}

export const DEFAULT_VALIDATOR_SETTINGS: ValidatorSettings = { maxTokenLifetimeHours: 720 };

/** What a match names besides the secret, for validators that judge a value by its neighbours (see pattern.ts). */
export interface MatchedAround {
  /** The user name of a URL's or a `.netrc` entry's password: the pattern's `user` group (`user2` in a second alternative). */
  user?: string;
}

export interface Validator {
  /** The name rules use in `validator:`. */
  name: string;
  /**
   * `settings` are the project's thresholds; validators that do not judge by them ignore it. `around` holds
   * what the rule's pattern names besides the secret (`(?P<user>…)`: the user name of a URL's password).
   */
  check(secret: string, settings?: ValidatorSettings, around?: MatchedAround): ValidatorVerdict;
  /**
   * For checksummed formats: completes a random body into a valid value, so the test generator can
   * make fakes that pass `check`. Absent where no checksum exists.
   */
  complete?(body: string): string;
}
