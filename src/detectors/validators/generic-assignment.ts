/**
 * The judgement behind the generic detector (`generic.*` rules): a value assigned to a secret-named key
 * is reported only if it looks like a real credential. This is the main source of false positives in
 * every scanner, so it is strict: placeholders, references to variables or secret stores, file paths,
 * code expressions and low-entropy words are all dropped.
 */
import { createHash } from 'node:crypto';
import { shannonEntropy } from '../entropy.js';
import { judgeUserPass, percentDecoded } from './credential-literal.js';
import { HEX_PLACEHOLDER, PLACEHOLDER_EXACT, placeholderWords } from './placeholder-words.js';
import { isAbsolutePath, isAlgorithmName, isCamelCaseMemberPath, isCodeName, isIdentifierLike, isWordSlug } from './name-shapes.js';
import { hasSequentialRun, isKeyboardMash } from './typed-values.js';
import type { Validator } from './validator.js';

/** API keys and generated secrets are rarely shorter; short values under secret-named keys are mostly samples. */
const MIN_LENGTH = 12;
const MAX_LENGTH = 256;
/** Random 16+ character strings score above ~3.5 bits; English words and identifiers well below. */
const MIN_ENTROPY_BITS = 3.0;

/**
 * Placeholder words under a secret-named key, where test values are common too: `fake`, `mock`,
 * `testing-token`, `my_secret`, `not-a-real`, `invalid`, `too-long`, and the weak passwords of examples.
 */
const PLACEHOLDER_WORDS = placeholderWords(
  'fake',
  'insert',
  'replace',
  'todo',
  'fixme',
  'my[_-]?(?:secret|password|token|key)',
  'secret[_-]?here',
  'token[_-]?here',
  'key[_-]?here',
  'password[_-]?here',
  'not[_-]?a[_-]?real',
  'notreal',
  'test(?:ing)?[_-]?(?:key|secret|token|password)',
  'mock',
  'lorem',
  'too[_-]?short',
  'too[_-]?long',
  'invalid',
  'wrong[_-]?(?:key|token|secret)',
  'foobar',
  'hunter2',
  'p@ssw0rd',
  'passw0rd',
  'qwerty',
  'letmein',
  'secret123',
  'password123',
  'abc123',
  '123456',
);

/** `${VAR}`, `$VAR`, `{{ x }}`, `<your-key>`, `%(x)s`, `#{x}`, `@Value(...)`, `%VAR%`, `[REDACTED]`, an f-string's `{b64encode(x)}`. */
const REFERENCE_SHAPES = /(?:^\$[A-Za-z_{(]|\$\{|\$\(|\{\{|\}\}|<%|^<.*>$|<[\w -]*>|&lt;|^%\(|^#\{|^%[A-Za-z_]+%$|^\[.*\]$|^@|\(\)?$|^\{[^{}]*[(.][^{}]*\}$)/;

/** Code rather than a literal: `process.env.X`, `config.get`, `os.environ[...]`, `secrets.X`. */
const CODE_SHAPES = /^(?:process\.env|os\.environ|os\.getenv|env\.|secrets\.|vars\.|config\.|settings\.|self\.|this\.|System\.getenv|ENV\[|getenv|import |require\()/;

/** A run of one character (`xxxxxxxx`, `********`) or masking. */
const MASKED = /^(.)\1+$|\*{3,}|x{5,}|X{5,}|\.{3}|…/;

/** A path or URL with no credentials in it. An absolute path is judged by its names (see `isAbsolutePath`). */
const PATH_SHAPES = /^(?:\.\.?\/|~\/|[A-Za-z]:\\|(?:https?|wss?|s3|gs):\/\/[^@\s]+$|file:)/;

/** A relative path to a file (`var/log/app.log.2.gz`, `config/prod.yml`): folders, then a name with an extension. */
const RELATIVE_FILE_PATH = /^[\w.-]+(?:\/[\w.-]+)+\.[a-z][a-z0-9]{0,4}$/;

/**
 * `acdeFf05b1a6d4…`: only hex digits, with letters in both cases. Generated hex is all lower or all upper
 * case, and a random base62 or base64 key of 16 or more characters that happens to use only hex digits
 * is a one-in-ten-million chance; a person editing an example key is not.
 */
function isMixedCaseHex(value: string): boolean {
  return /^[0-9a-fA-F]{16,}$/.test(value) && /[a-f]/.test(value) && /[A-F]/.test(value);
}

/** The same chunk three times or more (`1234-1234-1234`, `abcabcabc`): a template, not random output. */
function hasRepeatedChunk(value: string): boolean {
  return /(.{3,8}).{0,2}\1.{0,2}\1/.test(value);
}

/** `dXNlcjpwYXNzd29yZA==` and friends: base64 of `user:password` where the pair is a placeholder. */
function encodesPlaceholderPair(value: string): boolean {
  if (!/^[A-Za-z0-9+/]{8,}={0,2}$/.test(value)) return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (!/^[\x20-\x7e]+$/.test(decoded) || !decoded.includes(':')) return false;
  return !judgeUserPass(decoded).ok;
}

/**
 * Password hashes in the schemes that store them: LDAP's `{SSHA}…`, `{CRYPT}…` and `{PBKDF2-SHA256}…`,
 * Django's `pbkdf2_sha256$…`, `argon2$…` and `sha1$salt$…`, crypt's `$1$`, `$5$`, `$6$`, `$2b$`,
 * `$apr1$`, `$argon2id$`, and MySQL's `*` and 40 hex digits.
 */
const PASSWORD_HASH =
  /^(?:\{(?:S?SHA(?:256|384|512)?|S?MD5|CRYPT|PBKDF2(?:-SHA(?:1|256|512))?|ARGON2|BCRYPT)\}\S+|(?:argon2|bcrypt(?:_sha256)?|pbkdf2_sha(?:1|256|512)|sha1|md5|unsalted_(?:md5|sha1)|scrypt)\$\S+|\$(?:1|5|6|2[abxy]|apr1|argon2(?:id|i|d)|scrypt|y|7)\$\S+|\*[0-9A-F]{40})$/;

/**
 * A placeholder, a reference or a masked value (`changeme`, `${DB_PASSWORD}`, `****`): no value at all,
 * whatever the context says. For callers whose context already says "secret" (a Secret manifest's
 * `password`), where a short or plain value still counts.
 */
export function isPlaceholderValue(value: string): boolean {
  return REFERENCE_SHAPES.test(value) || MASKED.test(value) || PLACEHOLDER_WORDS.test(value) || PLACEHOLDER_EXACT.has(value.toLowerCase());
}

/**
 * The hex digests (MD5, SHA-1, SHA-256, SHA-512) of the words that stand in for a password: test tables
 * of hashing libraries pair `password` with its digest. Computed once, on first need.
 */
let placeholderDigests: Set<string> | undefined;

function isDigestOfPlaceholder(value: string): boolean {
  if (!/^[0-9a-f]{32}$|^[0-9a-f]{40}$|^[0-9a-f]{64}$|^[0-9a-f]{128}$/i.test(value)) return false;
  placeholderDigests ??= new Set([...PLACEHOLDER_EXACT].flatMap((word) => ['md5', 'sha1', 'sha256', 'sha512'].map((algorithm) => createHash(algorithm).update(word).digest('hex'))));
  return placeholderDigests.has(value.toLowerCase());
}

export function looksLikeRealSecret(value: string): { ok: true } | { ok: false; reason: string } {
  // `gemini_api_key\r\n`: a string's escapes are not part of the value; judge what comes before them.
  const unescaped = value.replace(/(?:\\[rnt])+$/, '');
  if (unescaped !== value) return looksLikeRealSecret(unescaped);
  if (value.length < MIN_LENGTH) return { ok: false, reason: 'too short' };
  if (value.length > MAX_LENGTH) return { ok: false, reason: 'too long for a credential' };
  if (REFERENCE_SHAPES.test(value)) return { ok: false, reason: 'a variable or template reference' };
  if (CODE_SHAPES.test(value)) return { ok: false, reason: 'a code expression' };
  if (MASKED.test(value)) return { ok: false, reason: 'masked or repeated characters' };
  if (PLACEHOLDER_WORDS.test(value) || PLACEHOLDER_EXACT.has(value.toLowerCase())) return { ok: false, reason: 'a placeholder' };
  if (PATH_SHAPES.test(value) || isAbsolutePath(value) || RELATIVE_FILE_PATH.test(value)) return { ok: false, reason: 'a path or URL' };
  if (/^[A-Za-z][a-z]+(?:[._-][A-Za-z][a-z]+)*$/.test(value) && value.length < 24) return { ok: false, reason: 'a plain word or identifier' };
  // The same in a URL's query, percent-encoded (`value%23still-query` is `value#still-query`).
  if (value.includes('%') && /^[A-Za-z][a-z]+(?:[._#-][A-Za-z][a-z]+)*$/.test(percentDecoded(value)) && value.length < 32) return { ok: false, reason: 'plain words, percent-encoded' };
  if (/^[A-Z][a-zA-Z]+(?:\.[A-Z]?[a-zA-Z]+)+$/.test(value) || isCamelCaseMemberPath(value)) return { ok: false, reason: 'a dotted identifier' };
  if (isCodeName(value)) return { ok: false, reason: 'a name in code: a module path, a constant, a bundler identifier' };
  // `+String(w))}if(…`: the rest of a concatenation in minified code, not a value.
  if (/^\+\s*[\w$(]/.test(value)) return { ok: false, reason: 'a concatenation in code' };
  if (/\s/.test(value)) return { ok: false, reason: 'contains whitespace: prose, not a key' };
  if (/(?:^|[/!:-])\*(?:$|[/!.-])|[/!]\*/.test(value)) return { ok: false, reason: 'a glob pattern' };
  if (/^\{[\w.-]+\}$/.test(value)) return { ok: false, reason: 'a format placeholder' };
  if (/^[A-Z]+$/.test(value)) return { ok: false, reason: 'a single upper-case word' };
  if (/^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(value)) return { ok: false, reason: 'a JWT: the jwt rule reports it with its claims' };
  // systemd's `Token=static:::1a:2b:3c:4d`, an IPv6 interface identifier: hex groups around `::`.
  if (/(?:^|:)[0-9a-f]{0,4}::[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*$/i.test(value) && /^(?:[a-z]+:)?[0-9a-f:]+$/i.test(value)) return { ok: false, reason: 'an IPv6 address' };
  if (/-----BEGIN|^(?:arn|urn):/.test(value)) return { ok: false, reason: 'a PEM header or resource name' };
  if (isIdentifierLike(value)) return { ok: false, reason: 'an identifier made of words' };
  if (isWordSlug(value)) return { ok: false, reason: 'words joined by separators' };
  if (isAlgorithmName(value)) return { ok: false, reason: 'the name of an algorithm' };
  if (/^\.?[A-Za-z_][\w.]*:[A-Za-z_]\w*$/.test(value) && value.includes('.')) return { ok: false, reason: 'a module path (package.module:name)' };
  if (isDigestOfPlaceholder(value)) return { ok: false, reason: 'the digest of a placeholder word (md5 of `password`)' };
  if (isKeyboardMash(value)) return { ok: false, reason: 'typed on the home row (a made-up example, not generated)' };
  if (HEX_PLACEHOLDER.test(value)) return { ok: false, reason: 'a hex placeholder word (deadbeef)' };
  if (/%20/.test(value)) return { ok: false, reason: 'encoded spaces: text, not a token' };
  if (/^[a-z_]+\/[A-Z][A-Z0-9_]+$/.test(value)) return { ok: false, reason: 'a resource name (collection/NAME)' };
  if (PASSWORD_HASH.test(value)) return { ok: false, reason: 'a password hash in a known scheme, not a credential (the password-hash rules report hashes)' };
  if (/^[A-Z][A-Z0-9_]*=?$/.test(value) && value.includes('_')) return { ok: false, reason: 'the name of an environment variable' };
  if (/^\d+(?:\.\d+)*$/.test(value)) return { ok: false, reason: 'a number or version' };
  if (shannonEntropy(value) < MIN_ENTROPY_BITS) return { ok: false, reason: 'low entropy' };
  if (encodesPlaceholderPair(value)) return { ok: false, reason: 'base64 of a placeholder user:password' };
  if (hasSequentialRun(value)) return { ok: false, reason: 'an alphabet or keyboard run (a made-up value)' };
  if (isMixedCaseHex(value)) return { ok: false, reason: 'hex digits in both cases (typed, not generated)' };
  if (hasRepeatedChunk(value)) return { ok: false, reason: 'a repeated pattern (a made-up value)' };
  return { ok: true };
}

export const genericAssignmentValidator: Validator = {
  name: 'generic-assignment',
  check(secret) {
    const verdict = looksLikeRealSecret(secret);
    return verdict.ok ? { kind: 'valid', evidence: 'high-entropy literal assigned to a secret-named key' } : { kind: 'reject', reason: verdict.reason };
  },
};
