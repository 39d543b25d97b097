/**
 * Offline validators for the core rule family (private keys, JWTs, generic assignments, connection
 * strings, HTTP auth, credential files). Each entry is named by the rules that use it; see validator.ts
 * for the contract.
 */
import { isSamplePair, judgePasswordLiteral, judgeTokenLiteral, judgeUnquotedPassword, judgeUrlPassword, judgeUserPass, type Judgement } from './credential-literal.js';
import { decodeJwt, jwtValidator } from './jwt.js';
import { privateKeyValidator } from './private-key.js';
import { looksLikeRealSecret } from './generic-assignment.js';
import type { Validator, ValidatorVerdict } from './validator.js';

function fromJudgement(judgement: Judgement, evidence: string): ValidatorVerdict {
  return judgement.ok ? { kind: 'valid', evidence } : { kind: 'reject', reason: judgement.reason };
}

/** A PEM private key that was base64-encoded once more (Kubernetes secrets, env vars, CI variables). */
const privateKeyBase64Validator: Validator = {
  name: 'private-key-base64',
  check(secret) {
    const decoded = Buffer.from(secret.replace(/[^A-Za-z0-9+/=_-]/g, ''), 'base64').toString('latin1');
    const begin = /-----BEGIN [A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----/.exec(decoded);
    if (!begin) return { kind: 'reject', reason: 'does not decode to a PEM private key' };
    const rest = decoded.slice(begin.index);
    const afterHeader = rest.slice(begin[0].length).replace(/^\r?\n?(?:[A-Za-z-]+:[^\n]*\n)*\r?\n?/, '');
    if (!/^[A-Za-z0-9+/=]{16}/.test(afterHeader)) return { kind: 'reject', reason: 'the decoded PEM body is not base64' };
    const inner = privateKeyValidator.check(rest);
    if (inner.kind === 'reject' && rest.length > 120) {
      // A truncated copy: the header and the start of the body decoded, which random text never does.
      return { kind: 'valid', evidence: 'decodes to the start of a PEM private key', attributes: { encrypted: String(/ENCRYPTED/.test(rest)) } };
    }
    return inner.kind === 'valid' ? { ...inner, evidence: `base64 of a PEM block: ${inner.evidence}` } : inner;
  },
};

/**
 * A JWT as found in the wild: a full decode gives its claims; a token whose header decodes but whose
 * payload was truncated or edited is kept at low severity (it is still most likely a pasted token).
 */
const jwtLenientValidator: Validator = {
  name: 'jwt-lenient',
  check(secret) {
    if (decodeJwt(secret)) return jwtValidator.check(secret);
    const [header = '', payload = ''] = secret.split('.');
    const headerText = Buffer.from(header, 'base64url').toString('latin1');
    const payloadText = Buffer.from(payload, 'base64url').toString('latin1');
    if (/^\{\s*"/.test(headerText) && /"(?:alg|typ|kid)"/.test(headerText) && /^\{\s*"/.test(payloadText)) {
      return { kind: 'checksum-failed', evidence: 'JWT-shaped: header and payload start as JSON but do not decode fully (truncated or edited)' };
    }
    return { kind: 'reject', reason: 'does not decode as a JWT' };
  },
};

/** `Authorization: Basic <base64>`, Docker's `"auth"`: base64 of `user:password`. */
const basicAuthValidator: Validator = {
  name: 'basic-auth',
  check(secret) {
    const decoded = Buffer.from(secret, 'base64').toString('utf8');
    if (!decoded.includes(':') || /^\s*[{[]/.test(decoded)) return { kind: 'reject', reason: 'does not decode to user:password' };
    const binary = decoded.match(/[\u0000-\u001f\u007f\ufffd]/g)?.length ?? 0;
    if (binary > 2) return { kind: 'reject', reason: 'decodes to binary, not user:password' };
    if (binary > 0) return { kind: 'checksum-failed', evidence: 'decodes to user:password with a few corrupted bytes (edited or mistyped)' };
    const judgement = judgeUserPass(decoded);
    if (!judgement.ok && !decoded.endsWith(':')) return { kind: 'reject', reason: judgement.reason };
    const user = decoded.slice(0, decoded.indexOf(':'));
    return { kind: 'valid', evidence: 'decodes to a user:password pair', attributes: { user } };
  },
};

/** A password assigned in config or code: literal, not a reference or a placeholder. */
const passwordLiteralValidator: Validator = {
  name: 'password-literal',
  check(secret, _settings, around) {
    // With the login where the rule names it (.netrc): anonymous FTP takes an e-mail address by convention.
    const user = around?.user;
    // (The value without the quote a line of YAML or code may close it with.)
    if (user !== undefined && (/^(?:anonymous|ftp)$/i.test(user) || isSamplePair(user, secret.replace(/["'`]+$/, '')))) {
      return { kind: 'reject', reason: 'an anonymous login, or a sample login and password' };
    }
    return fromJudgement(judgePasswordLiteral(secret, { minLength: 6, allowSpaces: true }), 'a literal password');
  },
};

/** An unquoted password-named value (env, INI, YAML, or a code assignment). */
const passwordUnquotedValidator: Validator = {
  name: 'password-unquoted',
  check(secret) {
    return fromJudgement(judgeUnquotedPassword(secret), 'a literal password');
  },
};

/**
 * For looser syntaxes (a secret-named string next to a value in a call): the generic judgement, plus the
 * value must mix letters and digits and must not be a snake_case or CamelCase name, as lookup tables are.
 */
const genericStrictValidator: Validator = {
  name: 'generic-assignment-strict',
  check(secret) {
    const verdict = looksLikeRealSecret(secret);
    if (!verdict.ok) return { kind: 'reject', reason: verdict.reason };
    if (!/\d/.test(secret) || !/[A-Za-z]/.test(secret)) return { kind: 'reject', reason: 'keys mix letters and digits' };
    if (/^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$/.test(secret) && !/\d{3}/.test(secret)) return { kind: 'reject', reason: 'a snake_case name' };
    return { kind: 'valid', evidence: 'high-entropy literal passed beside a secret-named string' };
  },
};

/**
 * The words that follow a flag's name when a changelog or a manual talks about it (`the --ask-password
 * option`, `--ftp-password respectively.`), rather than give it a value.
 */
const PROSE_AFTER_FLAG = new Set([
  'option', 'options', 'flag', 'flags', 'argument', 'arguments', 'parameter', 'parameters', 'switch', 'switches', 'command',
  'commands', 'setting', 'settings', 'description', 'called', 'include', 'includes', 'respectively', 'simultaneously', 'instead',
  'together', 'which', 'where', 'while', 'without', 'should', 'would', 'cannot', 'command-line', 'commandline', 'environment',
  'variable', 'variables', 'configuration',
]);

/** A password given to a command's flag (`--password x`, `mysql -px`, `sshpass -p x`): a literal, not the flag talked about in prose. */
const passwordCliFlagValidator: Validator = {
  name: 'password-cli-flag',
  check(secret) {
    // A word ending a clause (`options,`, `respectively.`) or one of the words prose puts after a flag's name.
    if (/^[A-Za-z]+[.,;:!?)]+$/.test(secret) || PROSE_AFTER_FLAG.has(secret.toLowerCase())) return { kind: 'reject', reason: 'the flag named in prose, not given a value' };
    return fromJudgement(judgePasswordLiteral(secret, { minLength: 6, allowSpaces: true }), 'a literal password given to a command');
  },
};

/** A password stated in prose (`the password is 'x'`): the sentence is evidence enough for short values. */
const passwordProseValidator: Validator = {
  name: 'password-prose',
  check(secret) {
    return fromJudgement(judgePasswordLiteral(secret, { minLength: 4 }), 'a password stated in text');
  },
};

/** An HTTP token (bearer, API key header): literal, long enough, not a placeholder. */
const httpTokenValidator: Validator = {
  name: 'http-token',
  check(secret) {
    if (/^eyJ[\w-]*\./.test(secret)) return { kind: 'reject', reason: 'a JWT: the jwt rule reports it with its claims' };
    return fromJudgement(judgeTokenLiteral(secret), 'a literal token in an HTTP header');
  },
};

/** `user:pass` given to curl `-u` / `--user`. */
const userPassValidator: Validator = {
  name: 'user-pass',
  check(secret) {
    return fromJudgement(judgeUserPass(secret), 'a literal user:password pair');
  },
};

/** The password in `scheme://user:password@host` or an ODBC `Password=` field. */
const urlPasswordValidator: Validator = {
  name: 'url-password',
  check(secret, _settings, around) {
    return fromJudgement(judgeUrlPassword(secret.replace(/^\{(.*)\}$/, '$1').trim(), around?.user), 'a literal password in a connection string');
  },
};

/** WireGuard keys are Curve25519 keys: 32 bytes, 44 base64 characters. */
const wireguardKeyValidator: Validator = {
  name: 'wireguard-key',
  check(secret) {
    const bytes = Buffer.from(secret, 'base64');
    if (bytes.length !== 32) return { kind: 'reject', reason: 'not a 32-byte key' };
    if (bytes.every((byte) => byte === bytes[0])) return { kind: 'reject', reason: 'a constant placeholder key' };
    return { kind: 'valid', evidence: 'decodes to a 32-byte Curve25519 key' };
  },
};

export const coreValidators: readonly Validator[] = [
  privateKeyBase64Validator,
  jwtLenientValidator,
  basicAuthValidator,
  passwordLiteralValidator,
  passwordCliFlagValidator,
  passwordProseValidator,
  passwordUnquotedValidator,
  genericStrictValidator,
  httpTokenValidator,
  userPassValidator,
  urlPasswordValidator,
  wireguardKeyValidator,
];
