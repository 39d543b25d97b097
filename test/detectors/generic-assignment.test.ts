/**
 * The judgement behind the generic rules, as a table of named cases: values that look like real
 * credentials must pass, placeholders, references, code and paths must be dropped. Random-looking values
 * are generated here from a seeded generator, so no key-shaped string is committed.
 */
import { describe, expect, it } from 'vitest';
import { judgePasswordLiteral, judgeUrlPassword, judgeUserPass } from '../../src/detectors/validators/credential-literal.js';
import { looksLikeRealSecret } from '../../src/detectors/validators/generic-assignment.js';
import { validatorNamed } from '../../src/detectors/validators/index.js';
import { isKeyboardMash } from '../../src/detectors/validators/typed-values.js';

/** A small LCG: deterministic random alphanumerics for the "looks real" cases. */
function randomChars(seed: number, length: number, alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'): string {
  let state = seed >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out += alphabet[state % alphabet.length];
  }
  return out;
}

const hex = (seed: number, length: number) => randomChars(seed, length, '0123456789abcdef');

describe('looksLikeRealSecret (generic API keys and secrets)', () => {
  const real: Array<[string, string]> = [
    ['random base62, 32 chars', randomChars(1, 32)],
    ['random hex, 40 chars', hex(2, 40)],
    ['random upper-case hex, 40 chars', hex(22, 40).toUpperCase()],
    ['uuid-shaped token', `${hex(3, 8)}-${hex(4, 4)}-4${hex(5, 3)}-a${hex(6, 3)}-${hex(7, 12)}`],
    ['prefixed key', `CLOJARS_${hex(8, 60)}`],
    ['base64 with padding', `${randomChars(9, 22)}==`],
    ['passphrase-like secret with punctuation', `dev${randomChars(10, 6)}#prod${randomChars(11, 6)}`],
  ];
  const fake: Array<[string, string]> = [
    ['hex with a hand-edited upper-case digit', `${hex(20, 4)}Ff${hex(21, 34)}`],
    ['env reference', '${API_KEY}'],
    ['shell reference', '$API_KEY_VALUE'],
    ['template', '{{ .Values.apiKey }}'],
    ['erb', '<%= ENV["SECRET_KEY_BASE"] %>'],
    ['angle-bracket placeholder', '<your-api-key>'],
    ['html-escaped placeholder', '&lt;YOUR_API_KEY&gt;'],
    ['process.env', 'process.env.STRIPE_SECRET'],
    ['os.environ', 'os.environ.get(SECRET_KEY)'],
    ['masked', '****************'],
    ['x run', 'xxxxxxxxxxxxxxxxxxxx'],
    ['changeme', 'changeme-in-production'],
    ['your key here', 'your_api_key_here'],
    ['plain identifier', 'SalesResults'],
    ['dotted identifier', 'PdfEncryptionKeySize.Key128Bit'],
    ['version', '1.2.3.4567'],
    ['path', '/run/secrets/api_key'],
    ['relative file path', 'var/log/app/app.log.2.gz'],
    ['url without credentials', 'https://github.com/login/oauth/access_token'],
    ['alphabet run', 'sk_abcdefghijklmnopqrstuvwxyz123'],
    ['repeated chunk', 'xoxp-1234-1234-1234-9f8e7d6c5b4a'],
    ['too short', 'AbCeFG123'],
    ['character table', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'],
    ['camel-case identifier', 'Ec2AvailabilityZone'],
    ['pascal-case identifier with acronym', 'SSECustomerKeyMD5'],
    ['snake-case identifier', 'load_ssh_public_identity'],
    ['kebab-case name', 'sas-token-for-azure-blob-storage-access'],
    ['upper-case member path', 'ExtendedKeyUsageOID.CLIENT_AUTH'],
    ['glob', 'license-manager-user-*'],
    ['format placeholder', '{current_phrase}'],
    ['prose', 'development key'],
    ['arn', 'arn:aws:kms:us-west-2:111122223333:alias/app'],
  ];
  it.each(real)('keeps %s', (_name, value) => {
    expect(looksLikeRealSecret(value)).toEqual({ ok: true });
  });
  it.each(fake)('drops %s', (_name, value) => {
    expect(looksLikeRealSecret(value).ok).toBe(false);
  });
  it('keeps at least 99.7% of random base62 keys (the word heuristics must not eat real keys)', () => {
    // Before the letter-pair test of names (name-shapes.ts), 99.2%: random keys passed for camelCase names.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let kept = 0;
    for (let i = 0; i < 2000; i++) if (looksLikeRealSecret(randomChars(1000 + i, 16 + (i % 5) * 6, alphabet)).ok) kept++;
    expect(kept / 2000).toBeGreaterThanOrEqual(0.997);
  });
  it('keeps random base64 keys that happen to begin with `/`, and still drops absolute paths', () => {
    const base64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let kept = 0;
    for (let i = 0; i < 1000; i++) if (looksLikeRealSecret(`/${randomChars(50_000 + i, 23, base64)}`).ok) kept++;
    expect(kept / 1000).toBeGreaterThanOrEqual(0.98);
    for (const path of ['/etc/ssl/certs/ca.pem', '/Users/JohnSmith/Library/Keychains', '/var/lib/docker/overlay2/3f4e5a6b7c8d9e0f/merged', '/opt/app/config']) {
      expect(looksLikeRealSecret(path)).toEqual({ ok: false, reason: 'a path or URL' });
    }
  });
  it('takes fewer than 1% of random lower-case keys, and no hex key, for typing on the home row', () => {
    let taken = 0;
    for (let i = 0; i < 4000; i++) if (isKeyboardMash(randomChars(7000 + i, 12 + (i % 4) * 4, 'abcdefghijklmnopqrstuvwxyz0123456789'))) taken++;
    expect(taken / 4000).toBeLessThan(0.01);
    for (let i = 0; i < 500; i++) expect(isKeyboardMash(randomChars(20000 + i, 16 + (i % 3) * 8, '0123456789abcdef'))).toBe(false);
  });
  it('drops tokens typed on the home row', () => {
    // Made here from home-row letters and digits, the way documentation examples are typed.
    for (let i = 0; i < 50; i++) expect(isKeyboardMash(randomChars(30000 + i, 10, 'asdfghjkl') + randomChars(40000 + i, 4, '0123456789'))).toBe(true);
  });
});

describe('judgePasswordLiteral (password-named keys)', () => {
  const real: Array<[string, string]> = [
    ['mixed password', `${randomChars(12, 8)}!${randomChars(13, 3)}`],
    ['word with symbol', 'super$ecret'],
    ['passphrase with a space', 'open sesame'],
    ['leading backtick', '`123QWERasdf'],
    ['word-and-digits', 'abuser123456'],
    ['generated, beginning with a slash', `/${randomChars(14, 15)}`],
  ];
  const fake: Array<[string, string]> = [
    ['the word password', 'password'],
    ['an absolute path to a password file', '/run/secrets/db-password'],
    ['changeme', 'changeme'],
    ['your password', 'YOUR_PASSWORD_HERE'],
    ['angle brackets', '<password>'],
    ['square brackets', '[PASSWORD]'],
    ['env reference', '${DB_PASSWORD}'],
    ['shell reference', '$gdcapi_db_password'],
    ['command substitution', '$(cat /run/secrets/db)'],
    ['jinja', '{{ vault_db_password }}'],
    ['ruby interpolation', '#{password}'],
    ['windows variable', '%PASSWORD%'],
    ['function call', 'getMasterUserPassword()'],
    ['concatenation', ' + getPassword() + '],
    ['member access', 'env.PERKEEP_TEST_PASSWORD'],
    ['request field', 'request.form'],
    ['masked', '********'],
    ['css selector', '#add-password'],
    ['arn', 'arn:aws:iam::aws:policy/IAMUserChangePassword'],
    ['route', 'cms/sites/passwords#update'],
    ['variable name', 'DB_PASSWORD_VALUE'],
    ['camel variable name', 'userPassword'],
    ['label', 'Password:'],
    ['too short', '123'],
    ['a sentence', 'the key is not encrypted with a passphrase'],
  ];
  it.each(real)('keeps %s', (_name, value) => {
    expect(judgePasswordLiteral(value, { minLength: 6, allowSpaces: true })).toEqual({ ok: true });
  });
  it.each(fake)('drops %s', (_name, value) => {
    expect(judgePasswordLiteral(value, { minLength: 6, allowSpaces: true }).ok).toBe(false);
  });
});

describe('judgeUserPass (curl -u)', () => {
  it.each([
    ['user and password', `deploy:${randomChars(14, 14)}`],
    ['key as user, empty password', `${randomChars(15, 20)}:`],
    ['empty user, key as password', `:${randomChars(16, 20)}`],
  ])('keeps %s', (_name, value) => {
    expect(judgeUserPass(value)).toEqual({ ok: true });
  });
  it.each([
    ['test:test', 'test:test'],
    ['username:token', 'username:token'],
    ['user:pass', 'user:pass'],
    ['positional parameters', '$1:$2'],
    ['references', '${_username}:${_password}'],
    ['angle brackets', '<user:password>'],
    ['no password', 'myusername'],
    ['empty pair', ':'],
  ])('drops %s', (_name, value) => {
    expect(judgeUserPass(value).ok).toBe(false);
  });
});

describe('judgeUrlPassword (connection strings)', () => {
  it.each([['plain', 'D1fficult'], ['percent-encoded', 'D1fficultP%40ssw0rd'], ['with @', 'bria@pass135!']])('keeps %s', (_name, value) => {
    expect(judgeUrlPassword(value)).toEqual({ ok: true });
  });
  it.each([['password', 'password'], ['pass', 'pass'], ['reference', '${DB_PASSWORD}'], ['angle', '<password>'], ['masked', '****']])(
    'drops %s',
    (_name, value) => {
      expect(judgeUrlPassword(value).ok).toBe(false);
    },
  );
});

describe('core validators', () => {
  it('basic-auth accepts base64 of user:password and rejects other base64', () => {
    const basic = validatorNamed('basic-auth')!;
    expect(basic.check(Buffer.from(`svc:${randomChars(17, 16)}`).toString('base64')).kind).toBe('valid');
    expect(basic.check(Buffer.from('no colon here at all').toString('base64')).kind).toBe('reject');
    expect(basic.check(Buffer.from('{"alg":"HS256"}').toString('base64')).kind).toBe('reject');
  });
  it('private-key reads a key pasted on one line and flags encrypted keys', () => {
    const pem = validatorNamed('private-key')!;
    const body = Array.from({ length: 6 }, (_unused, i) => randomChars(30 + i, 64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')).join('');
    const oneLine = `-----BEGIN PRIVATE KEY----- ${body} -----END PRIVATE KEY-----`;
    expect(pem.check(oneLine)).toMatchObject({ kind: 'valid', attributes: { encrypted: 'false' } });
    const encrypted = `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${body}\n-----END ENCRYPTED PRIVATE KEY-----`;
    expect(pem.check(encrypted)).toMatchObject({ kind: 'valid', attributes: { encrypted: 'true' } });
    expect(pem.check('-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----').kind).toBe('reject');
  });
  it('wireguard-key wants exactly 32 bytes', () => {
    const wg = validatorNamed('wireguard-key')!;
    expect(wg.check(Buffer.from(randomChars(18, 32)).toString('base64')).kind).toBe('valid');
    expect(wg.check(Buffer.from(randomChars(19, 20)).toString('base64')).kind).toBe('reject');
  });
  it('jwt-lenient keeps a truncated token at low severity and rejects non-JWTs', () => {
    const jwt = validatorNamed('jwt-lenient')!;
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = part({ alg: 'HS256', typ: 'JWT' });
    const payload = part({ sub: randomChars(20, 10), iat: 1700000000 });
    expect(jwt.check(`${header}.${payload}.${randomChars(21, 43)}`).kind).toBe('valid');
    expect(jwt.check(`${header}.${payload.slice(0, 12)}`).kind).toBe('checksum-failed');
    expect(jwt.check(`eyJ${randomChars(22, 20)}.eyJ${randomChars(23, 20)}`).kind).toBe('reject');
  });
});
