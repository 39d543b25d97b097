/**
 * The vocabulary of placeholders: what documentation, templates and tests put where a credential goes
 * (`changeme`, `<your-api-key>`, `EXAMPLE_TOKEN`, `deadbeef`). One list for every validator; each adds
 * what its own context needs (a URL's password, a provider's token, a generic assignment), so that a word
 * added here counts everywhere.
 */

/** Whole values that only ever stand in for a password. */
export const PLACEHOLDER_EXACT: ReadonlySet<string> = new Set([
  'password', 'passwd', 'pass', 'pwd', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'pa$$word', 'secret', 'secrets', 'token',
  'changeme', 'changeit', 'change_me', 'change-me', 'null', 'nil', 'none', 'undefined', 'empty', 'true', 'false',
  'string', 'str', 'required', 'optional', 'default', 'value', 'test', 'testing', 'example', 'sample', 'dummy',
  'fake', 'foo', 'bar', 'foobar', 'baz', 'qux', 'xxx', 'yyy', 'zzz', 'abc', 'user', 'username', 'usr', 'login',
  'mypass', 'yourpass', 'apikey', 'api_key', 'api-key', 'key', 'auth', 'credentials', 'redacted', 'hidden',
  'masked', 'placeholder', 'todo', 'tbd', 'n/a', 'na', 'password1', 'password123', '12345678',
  '123456', '1234', 'hunter2', 'boolean', 'bool', 'number', 'int', 'integer', 'object', 'any', 'unknown', 'passed',
  'failed', 'skipped', 'pending', 'enabled', 'disabled', 'function', 'comment', 'incomplete', 'optional', 'options', 'parameter', 'minioadmin',
  // The stock phrases of documentation examples (`passphrase: 'top secret'` in Node's own typings).
  'top secret', 'topsecret', 'supersecret', 'super secret', 'super-secret', 'super_secret', 'sekrit', 'sekret',
  // GitHub's documented password for token authentication over HTTPS (the token goes in the user name).
  'x-oauth-basic',
  // The first password people type, and the magic words of old games that examples borrow.
  'qwerty', 'xyzzy', 'plugh',
  // Firebird's documented default SYSDBA password, as Java's `changeit` above is its keystores'.
  'masterkey',
]);

/**
 * Words that mark a documentation placeholder wherever they occur in a value (`your-token-here`,
 * `sample_secret`, `changeme123`), in every validator. Some validators add more: `fake` and `replace`
 * are placeholders in a password, but a provider's random token may hold them by chance.
 */
const DOCUMENTATION_WORDS = ['your', 'changeme', 'change[_-]me', 'placeholder', 'redacted', 'example', 'sample', 'dummy'];

/** A case-insensitive test for the documentation words or any of `more` (RE2-compatible regex sources), anywhere in a value. */
export function placeholderWords(...more: string[]): RegExp {
  return new RegExp(`(?:${[...DOCUMENTATION_WORDS, ...more].join('|')})`, 'i');
}

/**
 * The word "password" in the languages software is most often translated into. A value that holds one is
 * the label of a password field, not a password: translated message bundles are full of them
 * (`login.password=Passwort`, `a.password=Пароль`, `tools.decryptionPassword=Entschlüsselungs-Passwort`
 * in a Java `messages_de.properties`). English is in `namesAPassword` (credential-literal.ts).
 */
export const PASSWORD_IN_OTHER_LANGUAGES = new RegExp(
  [
    'passwort', 'kennwort', 'mot de passe', 'mot_de_passe', 'contraseña', 'contrasenya', 'senha', 'wachtwoord', 'lösenord',
    'passord', 'adgangskode', 'salasana', 'parool', 'hasło', 'heslo', 'geslo', 'jelszó', 'parolă', 'şifre', 'şifresi', 'lozinka',
    'slaptažodis', 'пароль', 'парола', 'лозинка', 'κωδικός', 'סיסמה', 'كلمة المرور', 'كلمة السر', 'رمز عبور', 'पासवर्ड',
    '密码', '密碼', 'パスワード', '비밀번호', '암호', 'mật khẩu', 'kata sandi', 'kata laluan', 'รหัสผ่าน',
  ].join('|'),
  'iu',
);

/** The hex words programmers write where a value goes; a generated hex string holds one by chance once in four billion. */
export const HEX_PLACEHOLDER = /deadbeef|cafebabe|feedface|baadf00d|8badf00d|deadc0de/i;
