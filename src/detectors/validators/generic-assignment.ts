/**
 * The judgement behind the generic detector (`generic.*` rules): a value assigned to a secret-named key
 * is reported only if it looks like a real credential. This is the main source of false positives in
 * every scanner, so it is strict: placeholders, references to variables or secret stores, file paths,
 * code expressions and low-entropy words are all dropped.
 */
import { shannonEntropy } from '../entropy.js';
import type { Validator } from './validator.js';

const MIN_LENGTH = 8;
const MAX_LENGTH = 256;
/** Random 16+ character strings score above ~3.5 bits; English words and identifiers well below. */
const MIN_ENTROPY_BITS = 3.0;

const PLACEHOLDER_WORDS =
  /^(?:.*(?:changeme|change_me|change-me|placeholder|example|sample|dummy|fake|redacted|insert|replace|todo|fixme|your|my[_-]?(?:secret|password|token|key)|secret[_-]?here|token[_-]?here|key[_-]?here|password[_-]?here|not[_-]?a[_-]?real|notreal|test(?:ing)?[_-]?(?:key|secret|token|password)|mock|lorem|foobar|hunter2|p@ssw0rd|passw0rd|qwerty|letmein|secret123|password123|abc123|123456).*|(?:none|null|nil|true|false|undefined|empty|string|required|optional|secret|password|token|apikey|api_key|default|value|enabled|disabled))$/i;

/** `${VAR}`, `$VAR`, `{{ x }}`, `<your-key>`, `%(x)s`, `#{x}`, `@Value(...)`, `%VAR%`, `[REDACTED]`. */
const REFERENCE_SHAPES = /(?:^\$[A-Za-z_{(]|\$\{|\{\{|\}\}|^<.*>$|^%\(|^#\{|^%[A-Za-z_]+%$|^\[.*\]$|^@|\(\)?$)/;

/** Code rather than a literal: `process.env.X`, `config.get`, `os.environ[...]`, `secrets.X`. */
const CODE_SHAPES = /^(?:process\.env|os\.environ|os\.getenv|env\.|secrets\.|vars\.|config\.|settings\.|self\.|this\.|System\.getenv|ENV\[|getenv|import |require\()/;

/** A run of one character (`xxxxxxxx`, `********`) or masking. */
const MASKED = /^(.)\1+$|\*{3,}|x{5,}|X{5,}|\.{3}|…/;

/** A path or URL with no credentials in it. */
const PATH_SHAPES = /^(?:\/|\.\.?\/|~\/|[A-Za-z]:\\|https?:\/\/[^:@\s]+$|file:)/;

export function looksLikeRealSecret(value: string): { ok: true } | { ok: false; reason: string } {
  if (value.length < MIN_LENGTH) return { ok: false, reason: 'too short' };
  if (value.length > MAX_LENGTH) return { ok: false, reason: 'too long for a credential' };
  if (REFERENCE_SHAPES.test(value)) return { ok: false, reason: 'a variable or template reference' };
  if (CODE_SHAPES.test(value)) return { ok: false, reason: 'a code expression' };
  if (MASKED.test(value)) return { ok: false, reason: 'masked or repeated characters' };
  if (PLACEHOLDER_WORDS.test(value)) return { ok: false, reason: 'a placeholder' };
  if (PATH_SHAPES.test(value)) return { ok: false, reason: 'a path or URL' };
  if (/^[a-z]+(?:[._-][a-z]+)*$/i.test(value) && value.length < 24) return { ok: false, reason: 'a plain word or identifier' };
  if (/^[A-Z][a-zA-Z]+(?:\.[A-Z]?[a-zA-Z]+)+$/.test(value)) return { ok: false, reason: 'a dotted identifier' };
  if (/^\d+(?:\.\d+)*$/.test(value)) return { ok: false, reason: 'a number or version' };
  if (shannonEntropy(value) < MIN_ENTROPY_BITS) return { ok: false, reason: 'low entropy' };
  return { ok: true };
}

export const genericAssignmentValidator: Validator = {
  name: 'generic-assignment',
  check(secret) {
    const verdict = looksLikeRealSecret(secret);
    return verdict.ok ? { kind: 'valid', evidence: 'high-entropy literal assigned to a secret-named key' } : { kind: 'reject', reason: verdict.reason };
  },
};
