/**
 * Makes format-valid fake secrets for rule examples, so the repository holds no key-shaped strings: the
 * rule's `fake` regex is expanded by randexp with a deterministic, seeded random source, and checksummed
 * formats are completed by their validator. The same seed gives the same fakes, so a failing example
 * fails the same way every run.
 */
import { createHash } from 'node:crypto';
import randexpModule from 'randexp';
import { validatorNamed } from '../detectors/validators/index.js';
import type { Rule } from './rule.js';

// randexp is CommonJS (module.exports is the class) but its typings declare an ES default export, so
// TypeScript sees the class one `.default` deeper than Node does.
const RandExp = randexpModule as unknown as typeof randexpModule.default;

/** Upper bound for `*` and `+` in fake patterns: long enough for any key, short enough to read. */
const MAX_UNBOUNDED_REPEAT = 48;

/** Deterministic random integers from a seed: SHA-256 in counter mode, so no hand-written PRNG. */
export class SeededRandom {
  private counter = 0;
  private pool: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(private readonly seed: string) {}

  /** An integer in [min, max], inclusive (randexp's contract). */
  int(min: number, max: number): number {
    if (this.offset + 4 > this.pool.length) {
      this.pool = createHash('sha256').update(`${this.seed}\0${this.counter++}`).digest();
      this.offset = 0;
    }
    const value = this.pool.readUInt32BE(this.offset);
    this.offset += 4;
    return min + (value % (max - min + 1));
  }
}

export function generateFake(rule: Pick<Rule, 'id' | 'fake' | 'validator'>, random: SeededRandom): string {
  if (!rule.fake) throw new Error(`rule ${rule.id} has no 'fake' pattern`);
  const generator = new RandExp(rule.fake);
  generator.max = MAX_UNBOUNDED_REPEAT;
  generator.randInt = (min: number, max: number) => random.int(min, max);
  const body = generator.gen();
  const validator = rule.validator ? validatorNamed(rule.validator) : undefined;
  return validator?.complete ? validator.complete(body) : body;
}

/** A fake whose checksum is wrong: the last character changed until the validator says so. */
export function generateBadChecksumFake(rule: Pick<Rule, 'id' | 'fake' | 'validator'>, random: SeededRandom): string {
  const validator = rule.validator ? validatorNamed(rule.validator) : undefined;
  if (!validator?.complete) throw new Error(`rule ${rule.id} has no checksum validator, so {{fake-bad-checksum}} means nothing`);
  const valid = generateFake(rule, random);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let attempt = 0; attempt < alphabet.length; attempt++) {
    const candidate = valid.slice(0, -1) + alphabet[(random.int(0, alphabet.length - 1) + attempt) % alphabet.length];
    if (validator.check(candidate).kind === 'checksum-failed') return candidate;
  }
  throw new Error(`rule ${rule.id}: could not corrupt the checksum of a fake`);
}

/**
 * Fills `{{fake}}`, `{{fake:other.rule}}` and `{{fake-bad-checksum}}` in example templates. One
 * `ExampleFiller` per example: the same placeholder gets the same value in the text and the expected secret.
 */
export class ExampleFiller {
  private readonly values = new Map<string, string>();

  constructor(
    private readonly rule: Pick<Rule, 'id' | 'fake' | 'validator'>,
    private readonly random: SeededRandom,
    private readonly ruleById: (id: string) => Pick<Rule, 'id' | 'fake' | 'validator'> | undefined,
  ) {}

  fill(template: string): string {
    return template.replace(/\{\{\s*(fake-bad-checksum|fake(?::([a-z0-9.-]+))?)\s*\}\}/g, (placeholder, kind: string, otherId?: string) => {
      const known = this.values.get(placeholder.replace(/\s/g, ''));
      if (known !== undefined) return known;
      let value: string;
      if (kind === 'fake-bad-checksum') value = generateBadChecksumFake(this.rule, this.random);
      else if (otherId) {
        const other = this.ruleById(otherId);
        if (!other) throw new Error(`{{fake:${otherId}}}: no rule with that id`);
        value = generateFake(other, this.random);
      } else value = generateFake(this.rule, this.random);
      this.values.set(placeholder.replace(/\s/g, ''), value);
      return value;
    });
  }
}
