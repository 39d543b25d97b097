/**
 * One vocabulary of placeholders (src/detectors/validators/placeholder-words.ts) for every validator that
 * judges a value in context: a documentation word counts in a password, a URL's password, a generic
 * assignment and a provider's credential alike, and each context keeps its own additions.
 */
import { describe, expect, it } from 'vitest';
import { judgePasswordLiteral, judgeUrlPassword } from '../../src/detectors/validators/credential-literal.js';
import { looksLikeRealSecret } from '../../src/detectors/validators/generic-assignment.js';
import { validatorNamed } from '../../src/detectors/validators/index.js';
import { SeededRandom } from '../../src/ruleset/fake-secrets.js';

/** Random letters and digits (seeded), for the part of a value around the word under test. */
function randomPart(random: SeededRandom, length: number): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length }, () => alphabet[random.int(0, alphabet.length - 1)]).join('');
}

describe('placeholder words', () => {
  const random = new SeededRandom('placeholder-words');
  const cloud = validatorNamed('cloud-credential-value')!;

  it('a documentation word marks a placeholder in every context', () => {
    for (const word of ['changeme', 'sample', 'Your', 'REDACTED', 'placeholder', 'example', 'dummy', 'change-me']) {
      const value = `${randomPart(random, 10)}${word}${randomPart(random, 10)}`;
      expect(judgePasswordLiteral(value, { minLength: 4 }).ok, `password ${value}`).toBe(false);
      expect(judgeUrlPassword(value).ok, `URL password ${value}`).toBe(false);
      expect(looksLikeRealSecret(value).ok, `generic ${value}`).toBe(false);
      expect(cloud.check(value).kind, `cloud ${value}`).toBe('reject');
    }
  });

  it('the same values without the word pass (so the word is what decided)', () => {
    const value = `${randomPart(random, 10)}${randomPart(random, 10)}`;
    expect(judgePasswordLiteral(value, { minLength: 4 }).ok).toBe(true);
    expect(judgeUrlPassword(value).ok).toBe(true);
    expect(looksLikeRealSecret(value).ok).toBe(true);
    expect(cloud.check(value).kind).toBe('valid');
  });

  it('each context keeps its own additions: `fake` marks a password, not a provider credential', () => {
    const value = `${randomPart(random, 10)}fake${randomPart(random, 10)}`;
    expect(judgePasswordLiteral(value, { minLength: 4 }).ok).toBe(false);
    expect(judgeUrlPassword(value).ok).toBe(false);
    expect(looksLikeRealSecret(value).ok).toBe(false);
    expect(cloud.check(value).kind).toBe('valid');
  });
});

describe('the name of a password, in other languages and shapes', () => {
  const random = new SeededRandom('password-labels');
  const literal = validatorNamed('literal-password')!;

  it('a translated label of a password field is not a password (message bundles)', () => {
    for (const label of ['Passwort', 'Entschlüsselungs-Passwort', 'Пароль', 'Mot de passe', 'Contraseña', 'Senha', 'Wachtwoord', 'パスワード', '密码', 'Hasło']) {
      expect(judgePasswordLiteral(label, { minLength: 4, allowSpaces: true }).ok, label).toBe(false);
      expect(literal.check(label).kind, `literal-password ${label}`).toBe('reject');
    }
  });

  it('a placeholder under a key that can only hold a password is rejected too; a value of random characters is not', () => {
    for (const placeholder of ['password', 'changeme', 'your_password_here']) expect(literal.check(placeholder).kind, placeholder).toBe('reject');
    expect(literal.check(`${randomPart(random, 12)}!${randomPart(random, 4)}`).kind).toBe('valid');
    // A name-like value stays under such a key: the upstream examples count it as a password.
    expect(literal.check('TestSource-Password').kind).toBe('valid');
  });

  it('a build plugin`s escaped marker and three lower-case words are not passwords; a two-word passphrase is', () => {
    expect(judgePasswordLiteral('\\$BUILD_TIME\\$', { minLength: 6, allowSpaces: true }).ok).toBe(false);
    expect(judgePasswordLiteral('static final int', { minLength: 6, allowSpaces: true }).ok).toBe(false);
    expect(judgePasswordLiteral('open sesame', { minLength: 6, allowSpaces: true }).ok).toBe(true);
  });
});

describe('names in code where a value could go', () => {
  const random = new SeededRandom('code-names');

  it('a module path with its entry point, a class constant, a bundler identifier, a version range: not secrets', () => {
    for (const name of ['IPython.core.magics.osm:OSMagics', 'MQTTErrorCode.MQTT_ERR_AUTH', 'Settings.SECRET_KEY_BASE', '_has_js__WEBPACK_IMPORTED_MODULE_0__', 'conninfo.password,']) {
      expect(judgePasswordLiteral(name, { minLength: 6 }).ok, `password ${name}`).toBe(false);
    }
    for (const name of ['IPython.core.magics.osm:OSMagics', 'MQTTErrorCode.MQTT_ERR_AUTH', '_has_js__WEBPACK_IMPORTED_MODULE_0__', '+String(w))}if(3!=n.biff']) {
      expect(looksLikeRealSecret(name).ok, `generic ${name}`).toBe(false);
    }
    for (const range of ['3.0-3.12', '>=2.1,<3', '1.2.x', '3.7-']) expect(judgePasswordLiteral(range, { minLength: 4 }).ok, range).toBe(false);
  });

  it('values of the same shapes made of random characters still pass', () => {
    const part = () => randomPart(random, 12);
    expect(judgePasswordLiteral(`${part()}.${part()}:${part()}9`, { minLength: 6 }).ok).toBe(true);
    expect(looksLikeRealSecret(`${part()}_${part()}__${part()}`).ok).toBe(true);
  });
});

describe('the sample pairs of connection strings in documentation', () => {
  const random = new SeededRandom('sample-pairs');
  const urlPassword = validatorNamed('url-password')!;

  it('the same word as user and password, scott/tiger, and a made-up user with a made-up password are samples', () => {
    for (const [user, password] of [['postgres', 'postgres'], ['winappdbg', 'winappdbg'], ['scott', 'tiger'], ['myusername', 'mypassword'], ['someuser', 'somepassword']]) {
      expect(urlPassword.check(password!, undefined, { user: user! }).kind, `${user}:${password}`).toBe('reject');
    }
  });

  it('the same passwords under another user, and a random password under any user, are reported', () => {
    expect(urlPassword.check('tiger', undefined, { user: 'deploy' }).kind).toBe('valid');
    expect(urlPassword.check('mypassword', undefined, { user: 'deploy' }).kind).toBe('valid');
    expect(urlPassword.check(randomPart(random, 16), undefined, { user: 'myuser' }).kind).toBe('valid');
  });
});
