/**
 * Offline validators for the devtools rule family (rules/gitlab.yml, code-hosts.yml, ci-cd.yml,
 * package-registries.yml, secrets-and-iac.yml). Each entry is named by the rules that use it; see
 * validator.ts for the contract.
 */
import { crc32 } from 'node:zlib';
import type { Validator, ValidatorVerdict } from './validator.js';
import { PASSWORD_IN_OTHER_LANGUAGES, PLACEHOLDER_EXACT, placeholderWords } from './placeholder-words.js';

// ---------------------------------------------------------------------------------------------------
// GitLab routable tokens. GitLab is open source and states the grammar in
// lib/authn/token_field/generator/routable_token.rb (https://gitlab.com/gitlab-org/gitlab): a token is
// `<prefix><base64url payload>[.<version, 2 base36>].<payload length, 2 base36><crc>`, where the crc is
// `Zlib.crc32(everything before it).to_s(36).rjust(7, '0')`. The prefix is inside the checksummed text.
// Design document: https://handbook.gitlab.com/handbook/engineering/architecture/design-documents/cells/routable_tokens/

const GITLAB_ROUTABLE = /^([A-Za-z0-9_-]+)\.(?:([0-9a-z]{2})\.)?([0-9a-z]{2})([0-9A-Za-z]{7})$/;

function gitlabRoutableCrc(text: string): string {
  return (crc32(text) >>> 0).toString(36).padStart(7, '0');
}

export const gitlabRoutableValidator: Validator = {
  name: 'gitlab-routable-crc32',
  check(secret) {
    const parts = GITLAB_ROUTABLE.exec(secret);
    if (!parts) return { kind: 'reject', reason: 'not a routable GitLab token' };
    const [, head, , lengthField, crc] = parts;
    const payloadLength = parseInt(lengthField!, 36);
    // The payload is the tail of the part before the first dot (the type prefix comes before it).
    if (payloadLength > head!.length) return { kind: 'reject', reason: 'payload length field exceeds the payload' };
    const expected = gitlabRoutableCrc(secret.slice(0, -7));
    return expected === crc
      ? { kind: 'valid', evidence: 'GitLab routable-token CRC32 matches' }
      : { kind: 'checksum-failed', evidence: 'GitLab routable-token CRC32 does not match: probably a made-up or truncated value' };
  },
  complete(body) {
    // `body` is `<prefix><payload>`; the fake's payload is the random part after the last '-' or '_'-led type marker.
    const prefix = /^(?:gl[a-z]+-(?:t\d_)?)/.exec(body)?.[0] ?? '';
    const payloadLength = body.length - prefix.length;
    const unsigned = `${body}.01.${payloadLength.toString(36).padStart(2, '0')}`;
    return unsigned + gitlabRoutableCrc(unsigned);
  },
};

// ---------------------------------------------------------------------------------------------------
// PyPI API tokens are macaroons (https://pypi.org/help/#apitoken, https://github.com/pypi/warehouse
// warehouse/macaroons): `pypi-` + base64url of a libmacaroons v2 binary macaroon whose first field is
// the location, `pypi.org` or `test.pypi.org`.

function decodeBase64Loose(text: string): Buffer {
  const normalised = text.replace(/-/g, '+').replace(/_/g, '/');
  return Buffer.from(normalised, 'base64');
}

export const pypiMacaroonValidator: Validator = {
  name: 'pypi-macaroon',
  check(secret) {
    const bytes = decodeBase64Loose(secret.replace(/^pypi-/, ''));
    // v2 binary: version byte 2, field type 1 (location), varint length, location bytes.
    if (bytes.length < 4 || bytes[0] !== 2 || bytes[1] !== 1) return { kind: 'reject', reason: 'not a v2 binary macaroon' };
    const length = bytes[2]!;
    const location = bytes.subarray(3, 3 + length).toString('latin1');
    if (location !== 'pypi.org' && location !== 'test.pypi.org') return { kind: 'reject', reason: `macaroon location is not PyPI` };
    return { kind: 'valid', evidence: `decodes to a macaroon for ${location}`, attributes: { location } };
  },
};

// ---------------------------------------------------------------------------------------------------
// JFrog reference tokens: base64 of `reftkn:01:<expiry>:<random>`, which is why every one starts with
// `cmVmdGtu` (https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens).

export const jfrogReferenceTokenValidator: Validator = {
  name: 'jfrog-reference-token',
  check(secret) {
    const decoded = decodeBase64Loose(secret).toString('latin1');
    const parts = /^reftkn:(\d{2}):(\d{1,12}):/.exec(decoded);
    if (!decoded.startsWith('reftkn:')) return { kind: 'reject', reason: 'does not decode to a reference token' };
    if (!parts) return { kind: 'valid', evidence: 'decodes to a JFrog reference token' };
    const attributes: Record<string, string> = { version: parts[1]! };
    if (parts[2] !== '0') attributes.exp = parts[2]!;
    return { kind: 'valid', evidence: 'decodes to a JFrog reference token', attributes };
  },
};

// ---------------------------------------------------------------------------------------------------
// age secret keys are Bech32 (BIP-173) strings with the human-readable part `age-secret-key-`, written
// in upper case (https://age-encryption.org/v1, "X25519 recipient stanza"; checksum per
// https://github.com/bitcoin/bips/blob/master/bip-0173.mediawiki). The last six characters are the
// BCH checksum over the HRP and the data.

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function bech32Polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let bit = 0; bit < 5; bit++) if ((top >>> bit) & 1) checksum ^= BECH32_GENERATORS[bit]!;
  }
  return checksum >>> 0;
}

function bech32HrpExpand(hrp: string): number[] {
  const high = [...hrp].map((char) => char.charCodeAt(0) >>> 5);
  const low = [...hrp].map((char) => char.charCodeAt(0) & 31);
  return [...high, 0, ...low];
}

function bech32Checksum(hrp: string, data: readonly number[]): string {
  const polymod = bech32Polymod([...bech32HrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  let out = '';
  for (let index = 0; index < 6; index++) out += BECH32_CHARSET[(polymod >>> (5 * (5 - index))) & 31];
  return out;
}

export const ageBech32Validator: Validator = {
  name: 'age-bech32',
  check(secret) {
    const lower = secret.toLowerCase();
    const separator = lower.lastIndexOf('1');
    if (separator < 1) return { kind: 'reject', reason: 'no bech32 separator' };
    const hrp = lower.slice(0, separator);
    const data = [...lower.slice(separator + 1)].map((char) => BECH32_CHARSET.indexOf(char));
    if (data.length < 7 || data.some((value) => value < 0)) return { kind: 'reject', reason: 'not bech32 data' };
    return bech32Polymod([...bech32HrpExpand(hrp), ...data]) === 1
      ? { kind: 'valid', evidence: 'age key Bech32 checksum matches' }
      : { kind: 'checksum-failed', evidence: 'age key Bech32 checksum does not match: probably a made-up or truncated value' };
  },
  complete(body) {
    const lower = body.toLowerCase();
    const separator = lower.lastIndexOf('1');
    const hrp = lower.slice(0, separator);
    const data = [...lower.slice(separator + 1)].map((char) => BECH32_CHARSET.indexOf(char));
    return body + bech32Checksum(hrp, data).toUpperCase();
  },
};

// ---------------------------------------------------------------------------------------------------
// Vault tokens before 1.10 were `s.`/`b.`/`r.` + random base62 (https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes).
// A short body of one letter case only, or without a digit, is a JavaScript member access (`s.getFoo`),
// not a token: random base62 of 24 characters almost always mixes all three classes.

export const vaultLegacyTokenValidator: Validator = {
  name: 'vault-legacy-token',
  check(secret) {
    const body = secret.slice(2);
    if (body.length <= 30 && !(/[0-9]/.test(body) && /[a-z]/.test(body) && /[A-Z]/.test(body))) {
      return { kind: 'reject', reason: 'does not mix digits and both letter cases, unlike random base62' };
    }
    return { kind: 'valid', evidence: 'random base62 body with a Vault token prefix' };
  },
};

// ---------------------------------------------------------------------------------------------------
// 1Password service-account tokens: `ops_` + base64 of a JSON document naming the sign-in address, the
// service account's email, and its secret key (https://developer.1password.com/docs/service-accounts/).

const ONEPASSWORD_FIELDS = ['signInAddress', 'email', 'secretKey', 'srpX', 'muk', 'userAuth'];

export const onePasswordServiceAccountValidator: Validator = {
  name: 'onepassword-service-account',
  check(secret) {
    const decoded = decodeBase64Loose(secret.replace(/^ops_/, '')).toString('latin1');
    if (!decoded.startsWith('{"')) return { kind: 'reject', reason: 'does not decode to JSON' };
    const fields = ONEPASSWORD_FIELDS.filter((field) => decoded.includes(`"${field}"`));
    if (fields.length === 0) return { kind: 'reject', reason: 'JSON has none of the service-account fields' };
    const attributes: Record<string, string> = {};
    const address = /"signInAddress":"([^"]{1,100})"/.exec(decoded)?.[1];
    if (address) attributes.signInAddress = address;
    return { kind: 'valid', evidence: `decodes to a 1Password service-account token (${fields.join(', ')})`, attributes };
  },
};

// ---------------------------------------------------------------------------------------------------
// A literal password in a config file, as opposed to a reference: `%VAR%` (NuGet, Windows), `$VAR`,
// `${VAR}`, `$(VAR)`, `{{ var }}`. Used where the key alone (ClearTextPassword) identifies the secret.

/** The documentation words (`your…`, `changeme`, `example`…) in a value under a password key. */
const LITERAL_PLACEHOLDER = placeholderWords();

export const literalPasswordValidator: Validator = {
  name: 'literal-password',
  check(secret): ValidatorVerdict {
    // `<password>password</password>` in the settings.xml a pom's comment shows; `Passwort` in a translated
    // file. (`TestSource-Password` stays: under a key that can only hold a password, it is one.)
    if (PLACEHOLDER_EXACT.has(secret.toLowerCase()) || LITERAL_PLACEHOLDER.test(secret) || PASSWORD_IN_OTHER_LANGUAGES.test(secret)) {
      return { kind: 'reject', reason: 'a placeholder, or the name of a password' };
    }
    if (/^%[^%]+%$/.test(secret) || /^\$(?:\{[^}]*\}|\([^)]*\)|[A-Za-z_]\w*)$/.test(secret) || /^\{\{.*\}\}$/.test(secret)) {
      return { kind: 'reject', reason: 'a variable reference, not a literal password' };
    }
    return { kind: 'valid', evidence: 'a literal value, not a variable reference' };
  },
};

// ---------------------------------------------------------------------------------------------------
// `.npmrc` `_auth` (and similar `auth` fields): base64 of `user:password`, the HTTP Basic credential
// (https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration).

export const basicAuthBase64Validator: Validator = {
  name: 'basic-auth-base64',
  check(secret) {
    const decoded = Buffer.from(secret, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1 || colon === decoded.length - 1 || /[\u0000-\u001f\ufffd]/.test(decoded)) {
      return { kind: 'reject', reason: 'does not decode to user:password' };
    }
    return { kind: 'valid', evidence: 'decodes to user:password', attributes: { user: decoded.slice(0, colon) } };
  },
};

export const devtoolsValidators: readonly Validator[] = [
  basicAuthBase64Validator,
  gitlabRoutableValidator,
  pypiMacaroonValidator,
  jfrogReferenceTokenValidator,
  ageBech32Validator,
  vaultLegacyTokenValidator,
  onePasswordServiceAccountValidator,
  literalPasswordValidator,
];
