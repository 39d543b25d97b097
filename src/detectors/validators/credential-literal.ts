/**
 * Judgement of short human-chosen credentials: passwords in config, `user:pass` pairs, the password of a
 * connection URL, an HTTP bearer token. Unlike API keys these are often low-entropy (`D1fficult`), so
 * entropy alone cannot decide; instead anything that is evidently not a literal is dropped: variable and
 * template references, code, masking, documentation placeholders and the handful of words that stand in
 * for a password in examples (`password`, `changeme`, `<your-password>`).
 */

import { isAbsolutePath, isCodeName } from './name-shapes.js';
import { HEX_PLACEHOLDER, PASSWORD_IN_OTHER_LANGUAGES, PLACEHOLDER_EXACT, placeholderWords } from './placeholder-words.js';
import { isKeyboardMash, isWholeRun } from './typed-values.js';

export type Judgement = { ok: true } | { ok: false; reason: string };

/** Placeholder words in a password or a `user:pass` pair: also `fake`, `replace`, `<…>`, `[…]`, `not-a-real`, `…-here`, `todo`. */
const PLACEHOLDER_WORDS = placeholderWords(
  'replace',
  'insert[_-]',
  'fake',
  '<[^>]*>',
  '&lt;',
  '&gt;',
  '\\[[^\\]]*\\]',
  'not[_-]?(?:a[_-]?)?(?:real|set)',
  'secret[_-]?here',
  'password[_-]?here',
  'token[_-]?here',
  'key[_-]?here',
  '\\bfixme\\b',
  '\\btodo\\b',
);

/** `${VAR}`, `$VAR`, `$(cmd)`, `{{ x }}`, `%(x)s`, `#{x}`, `%VAR%`, `@VAR@`, `%s`, `{0}`. */
const REFERENCE =
  /(?:\$\{|\$\(|^\$[A-Za-z_]|\{\{|\}\}|%\([\w.]+\)[sd]|#\{|^%[A-Za-z_][\w]*%$|^@[A-Za-z_]\w*@$|^\\\$[A-Za-z_]\w*\\\$$|^%[sd]$|\{\d+\}|^\{[A-Za-z_][a-z_]*\}$|^\{[A-Z_]+\}$|^:[a-z_]+$)/;

/** Code, not a literal: calls, indexing, member access on well-known objects, string concatenation. */
const CODE =
  /(?:\(\)|\w\(|\)\s*[;,.]?$|^\s*\+|\+\s*$|"\s*\+|\+\s*"|^(?:process\.env|os\.environ|os\.getenv|env\.|ENV\[|secrets\.|vars\.|config\.|settings\.|self\.|this\.|System\.getenv|params\.|request\.|req\.|args\.|options\.|opts\.|props\.)|\$_(?:POST|GET|REQUEST|ENV|SERVER)|^(?:arn|urn):)/;

/** `3.0-3.12`, `>=2.1,<3`, `1.2.x`: versions a dependency or a module's support is given in. */
const VERSION_RANGE = /^(?:[<>=~^!]=?\s*)?v?\d+(?:\.(?:\d+|x|\*)){1,3}(?:\s*(?:-|,|\s)\s*(?:[<>=~^!]=?\s*)?(?:v?\d+(?:\.(?:\d+|x|\*)){0,3})?)?$/;

/** A run of one character, `***`, `...`, `…`. */
const MASKED = /^(.)\1+$|\*{3,}|\.{3}|…|x{4,}|X{4,}/;

const WORDS_OF_SHAPE = /^[#.][A-Za-z][\w-]*$/;

export interface LiteralOptions {
  /** Shortest acceptable value. */
  minLength: number;
  /** Allow whitespace inside the value (a quoted passphrase). */
  allowSpaces?: boolean;
}

/** Is this value a literal password (not a reference, code or placeholder)? */
export function judgePasswordLiteral(raw: string, options: LiteralOptions): Judgement {
  const value = stripQuotes(raw.trim());
  if (value.length < options.minLength) return { ok: false, reason: 'too short' };
  if (value.length > 200) return { ok: false, reason: 'too long for a password' };
  if (!options.allowSpaces && /\s/.test(value)) return { ok: false, reason: 'contains whitespace' };
  if (/[\r\n]/.test(value)) return { ok: false, reason: 'spans lines' };
  if (value.trim().split(/\s+/).length > 3) return { ok: false, reason: 'a sentence, not a password' };
  // `static final int`: three lower-case words are code or prose (the text a build plugin's `<token>`
  // replaces), as four words of any case are a sentence. Two stay: `open sesame` is RFC 7617's password.
  if (/^[a-z]+ [a-z]+ [a-z]+$/.test(value)) return { ok: false, reason: 'three lower-case words: code or prose' };
  if (PLACEHOLDER_EXACT.has(value.toLowerCase())) return { ok: false, reason: 'a placeholder word' };
  if (namesAPassword(value)) return { ok: false, reason: 'names a password rather than being one' };
  // `--passwd=FILE`, `‘--password=PASSWORD’`, `--http-password=STRING’.`: a manual's upper-case metavariable,
  // with the typographic quote and the full stop of the sentence around it.
  if (/^[A-Z][A-Z_]*[A-Z][’”'".,;:)]*$/.test(value) && value.replace(/[’”'".,;:)]+$/, '').length <= 16) return { ok: false, reason: "a manual's upper-case placeholder (FILE, PASSWORD)" };
  const decodedPhrase = base64Phrase(value);
  if (decodedPhrase !== undefined && !judgePasswordLiteral(decodedPhrase, { ...options, minLength: 1 }).ok) return { ok: false, reason: 'base64 of a placeholder or a sentence' };
  if (REFERENCE.test(value)) return { ok: false, reason: 'a variable or template reference' };
  if (MASKED.test(value)) return { ok: false, reason: 'masked' };
  if (PLACEHOLDER_WORDS.test(value)) return { ok: false, reason: 'a documentation placeholder' };
  if (CODE.test(value)) return { ok: false, reason: 'a code expression' };
  if (/\\[nrt]$/.test(value)) return { ok: false, reason: 'ends in an escape sequence: a string fragment' };
  if (/^0x[0-9a-f]+$/i.test(value)) return { ok: false, reason: 'a numeric constant' };
  if (/^[,:;|]|:$/.test(value)) return { ok: false, reason: 'punctuation around a label, not a value' };
  // `conninfo.password,`: a member expression, with the comma of the call or literal it sits in.
  if (/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+[,;]?$/.test(value) && !/\d/.test(value)) return { ok: false, reason: 'a member expression' };
  if (isCodeName(value)) return { ok: false, reason: 'a name in code: a module path, a constant, a bundler identifier' };
  if (/^[\w.-]+(?:\/[\w.#:-]+)+$/.test(value) && !/\d/.test(value)) return { ok: false, reason: 'a relative path or route' };
  if (WORDS_OF_SHAPE.test(value)) return { ok: false, reason: 'a selector or anchor' };
  // `_inc_changes_count`: a private snake_case name (a signal or callback), not a password.
  if (/^_+[a-z]+(?:_[a-z0-9]+)+$/.test(value)) return { ok: false, reason: 'a private snake_case name' };
  if (isWholeRun(value.toLowerCase())) return { ok: false, reason: 'a run of the alphabet or the digits (abcdef, 654321)' };
  if (/^v?\d+(?:\.\d+){1,3}$/.test(value) || VERSION_RANGE.test(value)) return { ok: false, reason: 'a version number or range' };
  if (/^-?anonymous@?[\w.-]*$/i.test(value)) return { ok: false, reason: 'the anonymous FTP convention, not a password' };
  // Vim's scoped variables (`g:netrw_passwd`).
  if (/^[gsbwtlav]:[A-Za-z_]\w*$/.test(value)) return { ok: false, reason: 'a variable reference' };
  if (/^(?:\.\.?\/|~\/|[A-Za-z]:\\|https?:\/\/|file:)/.test(value) || isAbsolutePath(value)) return { ok: false, reason: 'a path or URL' };
  if (/^[A-Z_][A-Z0-9_]*$/.test(value) && value.includes('_') && /(?:PASS|PWD|SECRET|TOKEN|KEY)/.test(value)) {
    return { ok: false, reason: 'the name of a variable' };
  }
  if ((/^[a-z]+(?:[A-Z][a-z0-9]*)+$/.test(value) || /^[A-Z]*(?:[A-Z][a-z0-9]+){2,}$/.test(value)) && /(?:Pass|Pwd|Secret|Token|Key|Credential)/.test(value)) {
    return { ok: false, reason: 'the name of a variable' };
  }
  return { ok: true };
}

/**
 * `db_password`, `api-key`, `a secret`: the name of a password, which templates put where the password goes. (Run
 * together, `rootpasswd` or `mypassword`, it is more often a weak password really in use: kept.)
 */
function namesAPassword(value: string): boolean {
  return /^(?:[a-z]+[ _-])*(?:password|passwd|pass|pwd|secret|token|key|passphrase)(?:[ _-][a-z]+)*$/i.test(value) || PASSWORD_IN_OTHER_LANGUAGES.test(value);
}

/** `value` with its `%XX` escapes decoded; as given where they do not decode. */
export function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Letters written as digits or symbols put back (`p4ss`, `P@SSW0RD`, `p#ssword!`), lower-cased, trailing `!?.` dropped. */
function unLeet(value: string): string {
  const letters: Record<string, string> = { '4': 'a', '@': 'a', '#': 'a', '3': 'e', '1': 'i', '0': 'o', $: 's', '5': 's', '7': 't' };
  return value
    .toLowerCase()
    .replace(/[!?.]+$/, '')
    .replace(/[4@#31052$7]/g, (char) => letters[char] ?? char);
}

/**
 * The text a base64 value encodes, when it is printable (npm's `_password` is the password in base64,
 * and its documentation's example says `not my real password`); undefined for anything else.
 */
function base64Phrase(value: string): string | undefined {
  if (value.length < 12 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  return /^[\x20-\x7e]+$/.test(decoded) ? decoded : undefined;
}

/**
 * An unquoted value after a password-named key: in config files a literal, but in code the name of a
 * variable (`password = master_user_password`), so snake_case and camelCase identifiers are dropped too.
 */
export function judgeUnquotedPassword(raw: string): Judgement {
  const basic = judgePasswordLiteral(raw, { minLength: 6 });
  if (!basic.ok) return basic;
  if (/^[A-Za-z_]\w*(?:\s*[-+*/%]\s*[A-Za-z_]\w*)+$/.test(raw)) return { ok: false, reason: 'an expression of names (pwd+pwd): code' };
  if (/[?&][\w.-]+=/.test(raw)) return { ok: false, reason: 'the rest of a query string, not one value' };
  if (/^_*[a-z][a-z0-9]*(?:_[a-z0-9]+)+_*$/.test(raw) || /^[a-z]+(?:[A-Z][a-z]+)+$/.test(raw) || /^[A-Z][a-z]+(?:[A-Z][a-z]+)+$/.test(raw)) {
    return { ok: false, reason: 'an identifier: in code, the name of a variable' };
  }
  // `name:passwd:UID:GID:gecos:dir:shell`: documentation naming the fields of a record.
  if (/^[A-Za-z_]+(?::[A-Za-z_]+)+$/.test(raw)) return { ok: false, reason: 'field names joined by colons (a record format)' };
  // nsswitch.conf's `passwd:` line names the sources of the user database, not a password.
  if (/^(?:files|compat|systemd|nis|nisplus|ldap|sss|winbind|db|cache|mymachines)$/.test(raw)) return { ok: false, reason: 'a source of the passwd database (nsswitch.conf)' };
  // OpenSSL's pass-phrase sources (`-passin env:VAR`, `file:path`, `fd:3`) name where the secret is.
  if (/^(?:env|file|fd):\S+$/.test(raw)) return { ok: false, reason: 'a reference to where the pass phrase is (env:, file:, fd:)' };
  return { ok: true };
}

/** A token sent in an HTTP header or found after a token-named key: literal, and not a bare word. */
export function judgeTokenLiteral(raw: string): Judgement {
  const value = stripQuotes(raw.trim());
  if (value.length > 4096) return { ok: false, reason: 'too long for a token' };
  const basic = judgePasswordLiteral(value.slice(0, 200), { minLength: 8 });
  if (!basic.ok) return basic;
  // A word, with the punctuation of the sentence it ends (`as a bearer credential.`).
  if (/^[a-z]+(?:[._-][a-z]+)*[.,;:!?)]*$/i.test(value)) return { ok: false, reason: 'a plain word' };
  if (/[{}<>()[\]]/.test(value)) return { ok: false, reason: 'template or code characters' };
  if (isKeyboardMash(value)) return { ok: false, reason: 'typed on the home row (a made-up example, not generated)' };
  if (HEX_PLACEHOLDER.test(value)) return { ok: false, reason: 'a hex placeholder word (deadbeef)' };
  return { ok: true };
}

/** `user:pass` as given to `curl -u`: a literal pair where at least one side is a credential. */
export function judgeUserPass(raw: string): Judgement {
  let pair = raw.trim();
  // `"user":"pass"` and `'user:pass'` quoting styles.
  pair = pair.replace(/^(["'])(.*)\1:(["'])(.*)\3$/, '$2:$4');
  pair = stripQuotes(pair);
  const colon = pair.indexOf(':');
  if (colon < 0) return { ok: false, reason: 'no password in the pair' };
  const user = pair.slice(0, colon).replace(/^["']|["']$/g, '');
  const password = pair.slice(colon + 1).replace(/^["']|["']$/g, '');
  if (REFERENCE.test(user) || REFERENCE.test(password) || /\$[({]/.test(pair)) return { ok: false, reason: 'a variable reference' };
  if (/^<.*>$/.test(pair) || PLACEHOLDER_WORDS.test(pair)) return { ok: false, reason: 'a documentation placeholder' };
  if (password === '') {
    // An API key passed as the user name with an empty password (`curl -u sk_live_x:`).
    return judgeTokenLiteral(user);
  }
  if (PLACEHOLDER_EXACT.has(password.toLowerCase()) || password.toLowerCase() === user.toLowerCase()) {
    return { ok: false, reason: 'a placeholder password' };
  }
  return judgePasswordLiteral(password.replace(/^\{(.*)\}$/, '$1'), { minLength: 6, allowSpaces: true });
}

/** Placeholder words in a URL's password, which may also be a whole `<…>`, `[…]` or `{…}`. */
const URL_PASSWORD_PLACEHOLDER = placeholderWords('^<.*>$', '^\\[.*\\]$', '^\\{.*\\}$', '&lt;', 'fake');

/**
 * The user and password of documentation's connection strings: the same word twice (`postgres:postgres`,
 * `winappdbg:winappdbg`), Oracle's sample schema (`scott:tiger`), and a made-up user with a made-up
 * password (`myusername:mypassword`, `someuser:somepassword`).
 */
export function isSamplePair(user: string, password: string): boolean {
  const name = user.toLowerCase();
  const word = password.toLowerCase();
  if (name === word || (name === 'scott' && word === 'tiger')) return true;
  // `fred:fredpassword`: the user's name and the word.
  if (name.length > 0 && /^(?:password|passwd|pass|pwd|pw|secret)$/.test(word.slice(name.length)) && word.startsWith(name)) return true;
  return /^(?:my|some|your|the|a|test)[_-]?(?:user(?:name)?|login|account)$/.test(name) && /^(?:my|some|your|the|a|test)[_-]?(?:pass(?:word)?|pwd|secret)$/.test(word);
}

/** The password part of `scheme://user:pass@host` (already percent-encoded), and its user name where the rule gives it. */
export function judgeUrlPassword(raw: string, user?: string): Judgement {
  // A stray % that decodes to nothing is fine in a password: then the raw value is judged.
  const decoded = percentDecoded(raw);
  if (user !== undefined && isSamplePair(percentDecoded(user), decoded)) return { ok: false, reason: 'a sample user and password of documentation' };
  if (decoded.length < 4 && !/^\d{4,}$/.test(decoded)) return { ok: false, reason: 'too short' };
  if (/^(?:password|passwd|pass|pwd|changeme|changeit|your[_-]?password|pass(?:word)?[_-]?here|secret[_-]?here|xxx+|\*+|\.\.\.|x+|user|username|root|admin|guest|anonymous|test|demo|token|api[_-]?key|key|secret[_-]?key)$/i.test(decoded)) {
    return { ok: false, reason: 'a placeholder password' };
  }
  // `a secret`, `my_secret`, `secret_access_key`, `P@SSWORD`, `p4ss` (a bare `secret` stays:
  // connection-string examples use it, and so do real setups).
  const plain = unLeet(decoded);
  if ((/[\s_-]/.test(decoded) && namesAPassword(decoded)) || (plain !== decoded.toLowerCase() && PLACEHOLDER_EXACT.has(plain))) return { ok: false, reason: 'a placeholder password' };
  // `http://Benutzer:Passwort@Server:Port/` in a translated manual.
  if (PASSWORD_IN_OTHER_LANGUAGES.test(decoded)) return { ok: false, reason: 'the word password in another language' };
  if (decoded.toLowerCase() !== 'secret' && PLACEHOLDER_EXACT.has(decoded.toLowerCase())) return { ok: false, reason: 'a placeholder password' };
  if (REFERENCE.test(decoded) || /\$[A-Za-z_{(]/.test(decoded)) return { ok: false, reason: 'a variable reference' };
  if (URL_PASSWORD_PLACEHOLDER.test(decoded)) return { ok: false, reason: 'a documentation placeholder' };
  if (MASKED.test(decoded)) return { ok: false, reason: 'masked' };
  // A URL cannot hold `\u` or `\x` escapes (it would percent-encode them): this is a URI parser's test data.
  if (/\\(?:u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2})/.test(raw)) return { ok: false, reason: 'a language escape inside a URL: test data, not a password' };
  return { ok: true };
}

function stripQuotes(value: string): string {
  return value.replace(/^(["'`])(.*)\1$/s, '$2');
}
