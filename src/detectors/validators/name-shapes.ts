/**
 * Is a value a name rather than a secret? Code is full of values that are names: classes
 * (`_RSAPrivateKey`), members (`ed25519.Ed25519PublicKey`), snake, camel and slug names
 * (`gss_krb5_rfc1964_keydata`, `injectNpm2FaToken`, `i-am-the-worst`) and algorithms (`scram-sha-256`).
 * Each test splits the value into pieces and asks whether they read as words; random keys break into
 * short consonant clusters and fail. The generic rules drop what these call names (generic-assignment.ts).
 */

/** `PdfEncryptionKeySize.Key128Bit`, `XSalsa20.key_length`, `ed25519.Ed25519PublicKey`: a member path of camel- or snake-case words. */
export function isCamelCaseMemberPath(value: string): boolean {
  const segments = value.split('.');
  if (segments.length < 2) return false;
  // A module named for an algorithm (`ed25519`, `x509`) and the PascalCase class it holds.
  if (segments.length === 2 && /^[a-z][a-z0-9]{1,10}$/.test(segments[0]!) && ((/^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+$/.test(segments[1]!) && /[a-z]{3,}/.test(segments[1]!)) || isNameOfWords(segments[1]!))) return true;
  return segments.every(
    (segment, index) =>
      /^_*[A-Za-z][a-z]{2,}(?:[A-Z0-9][a-z0-9]*|_[a-z0-9]+)*$/.test(segment) ||
      /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/.test(segment) ||
      (index === 0 && /^[a-z]{1,3}$/.test(segment)),
  );
}

/**
 * `Ec2AvailabilityZone`, `__darwin_fsfilcnt_t`, `MLKEM768X25519PublicKey`, `sas-token-for-blob-access`:
 * names made of words. Split on separators, case changes and digits; if most letters sit in word-like
 * pieces, it is an identifier. Random keys break into short consonant clusters and fail the test; pure
 * hex is left alone (its letter runs are not words).
 */
export function isIdentifierLike(value: string): boolean {
  if (!/^[A-Za-z0-9_.:-]+$/.test(value) || /^[0-9a-f-]+$/i.test(value)) return false;
  if (isSnakeCaseName(value)) return true;
  const pieces = value.split(/[_.:-]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])/).filter(Boolean);
  if (isNameOfWords(value)) return commonPairShare(pieces) >= COMMON_PAIRS_IN_NAMES;
  let letters = 0;
  let acronymLetters = 0;
  let wordy = 0;
  let longWords = 0;
  for (const piece of pieces) {
    if (!/^[A-Za-z]+$/.test(piece)) continue;
    letters += piece.length;
    if (/^[A-Z]{2,5}$/.test(piece)) {
      acronymLetters += piece.length;
      continue;
    }
    const lower = piece.toLowerCase();
    const vowels = lower.replace(/[^aeiouy]/g, '').length;
    const pronounceable = vowels > 0 && !/[bcdfghjklmnpqrstvwxz]{5,}/.test(lower) && vowels / lower.length >= 0.2 && !/[aeiouy]{3,}/.test(lower);
    const isWord = /^[A-Z]?[a-z]{2,}$/.test(piece) && pronounceable;
    if (isWord) wordy += piece.length;
    if (isWord && piece.length >= 4) longWords += piece.length >= 8 ? 2 : 1;
  }
  const wordLetters = letters - acronymLetters;
  if (letters === 0 || wordLetters === 0 || acronymLetters / letters > 0.4) return false;
  return longWords >= 2 && wordy / wordLetters >= 0.8 && commonPairShare(pieces) >= COMMON_PAIRS_IN_NAMES;
}

/**
 * The letter pairs that make up 95 % of the pairs in the words of real code's identifiers: the 15,700
 * words of four letters or more in the JavaScript of this repository's dependencies, each weighted by the
 * square root of its count. Random letters fall on one of these 259 pairs (of 676) 38 % of the time, the
 * words of identifiers (`Storage`, `Account`, `Webhook`) nearly always.
 */
const COMMON_PAIRS = new Set(
  [
    'aa ab ac ad ae af ag ai aj ak al am an ap ar as at au av ay ba bb bc be bi',
    'bl bo br bs bu ca cc ce ch ci ck cl co cr ct cu da dd de di dl do dr ds du',
    'dy ea eb ec ed ee ef eg ei el em en eo ep er es et ev ex ey fa fb fe ff fi',
    'fl fo fr fu ga ge gg gh gi gl gn gr gs gu ha he hi ho hr ht hu ia ib ic id',
    'ie if ig il im in io ip ir is it iv ix iz ja je ka ke ki ks la ld le li ll',
    'lo ls lt lu lv ly ma mb me mi mm mo mp ms mu na nb nc nd ne nf ng ni nk nn',
    'no ns nt nu nv oa ob oc od of oi ok ol om on oo op or os ot ou ov ow pa pe',
    'pi pl po pp pr ps pt pu qu ra rc rd re rg ri rk rl rm rn ro rr rs rt ru rv',
    'ry sa sc se sh si sk sl so sp ss st su sy ta tc te th ti tl to tp tr ts tt',
    'tu ty ua ub uc ue uf ug ui ul um un up ur us ut va ve vi wa we wh wi wn wo',
    'wr ws xe xp xt yc yn yp ze',
  ]
    .join(' ')
    .split(' '),
);

/** In names, at least this share of the word pieces' letter pairs are common ones (random keys: about 0.4). */
const COMMON_PAIRS_IN_NAMES = 0.65;

/**
 * The share of letter pairs, over the word-like pieces, that are common in code. A random key breaks into
 * pieces that pass for words one at a time (`Kwfa`, `Wyza`, `Diadgmqubd`: about 1 in 100 random keys of
 * 20 characters did) but not in their pairs: with this test about 1 in 500 does.
 */
function commonPairShare(pieces: readonly string[]): number {
  let common = 0;
  let pairs = 0;
  for (const piece of pieces) {
    if (!/^[A-Z]?[a-z]{2,}$/.test(piece)) continue;
    const lower = piece.toLowerCase();
    for (let index = 0; index + 1 < lower.length; index++) {
      pairs++;
      if (COMMON_PAIRS.has(lower.slice(index, index + 2))) common++;
    }
  }
  return pairs === 0 ? 1 : common / pairs;
}

/**
 * `_RSAPrivateKey`, `PrivateKey`, `McpOauthTokenEndpointAuth`: a class or type name, PascalCase words and acronyms
 * with no digit. (The word test above wants two words of four letters; `Key` is three.)
 */
function isNameOfWords(value: string): boolean {
  if (isCamelCaseName(value)) return true;
  const name = value.replace(/^_+/, '');
  if (!/^[A-Z][A-Za-z]+$/.test(name)) return false;
  const pieces = name.split(/(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/);
  return pieces.length >= 2 && pieces.some((piece) => /^[A-Z][a-z]{3,}$/.test(piece)) && pieces.every((piece) => /^[A-Z]{2,5}$/.test(piece) || /^[A-Z][a-z]{1,2}$/.test(piece) || (/^[A-Z][a-z]+$/.test(piece) && /[aeiouy]/.test(piece)));
}

/** `injectNpm2FaToken`, `getAccessToken`: a camelCase name, two or more of its pieces words of four letters or more. */
function isCamelCaseName(value: string): boolean {
  if (!/^[a-z]{2,}(?:[A-Z][a-z]*|\d+)+$/.test(value)) return false;
  const pieces = value.split(/(?=[A-Z])|(?<=[a-z])(?=\d)|(?<=\d)(?=[A-Za-z])/).filter((piece) => /^[A-Za-z]+$/.test(piece));
  const words = pieces.filter((piece) => piece.length >= 4 && /[aeiouy]/i.test(piece));
  return words.length >= 2 && pieces.every((piece) => piece.length <= 3 || /[aeiouy]/i.test(piece));
}

/**
 * `gss_krb5_rfc1964_keydata`, `_inc_changes_count`: a snake_case name of three or more short lower-case
 * pieces, or one that starts with an underscore (a private name). Generated keys with underscores have a
 * long random piece (`sk_live_51H…`).
 */
function isSnakeCaseName(value: string): boolean {
  if (!/^_*[a-z][a-z0-9]*(?:_+[a-z0-9]+)+$/.test(value)) return false;
  const pieces = value.replace(/^_+/, '').split(/_+/);
  return pieces.every((piece) => piece.length <= 10) && (pieces.length >= 3 || value.startsWith('_')) && pieces.some((piece) => /^[a-z]{4,}$/.test(piece) && /[aeiouy]/.test(piece));
}

/** `i-am-the-worst`, `not_a_real_token`, `token-type:jwt`: three or more short lower-case words joined by `-`, `_` or `:`. */
export function isWordSlug(value: string): boolean {
  if (!/^[a-z]+(?:[-_:][a-z]+){2,}$/.test(value)) return false;
  // Short pieces may be abbreviations (`jwt` in `token-type:jwt`); longer ones are words.
  return value.split(/[-_:]/).every((word) => word.length <= 10 && (word.length <= 4 || /[aeiouy]/.test(word)));
}

/** The pieces algorithm names are made of: `scram-sha-256`, `hmac-sha512`, `aes-256-gcm`, `chacha20-poly1305`. */
const ALGORITHM_PIECES = new Set([
  'scram', 'hmac', 'sha', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3', 'md5', 'aes', 'aes128', 'aes192', 'aes256', 'gcm', 'cbc',
  'ctr', 'ecb', 'ofb', 'cfb', 'rsa', 'ecdsa', 'ed25519', 'ed448', 'x25519', 'pbkdf2', 'bcrypt', 'scrypt', 'argon2', 'argon2id', 'argon2i',
  'chacha20', 'poly1305', 'des', '3des', 'des3', 'ede3', 'hs256', 'hs384', 'hs512', 'rs256', 'rs384', 'rs512', 'es256', 'es384', 'es512',
  'ps256', 'ps384', 'ps512', 'pss', 'oaep', 'pkcs1', 'pkcs8', 'gost', 'blake2b', 'blake2s', 'siv', 'ccm', 'xts', 'plus',
]);

export function isAlgorithmName(value: string): boolean {
  const pieces = value.toLowerCase().split(/[-_]/);
  return pieces.length >= 2 && pieces.every((piece) => ALGORITHM_PIECES.has(piece) || /^\d{1,4}$/.test(piece)) && pieces.some((piece) => ALGORITHM_PIECES.has(piece));
}

/** A folder's or file's name as paths spell them: `etc`, `ssl`, `ca.pem`, `my-repo`, `Users`. */
const PATH_NAME = /^(?:[a-z][a-z0-9_-]{2,}|[A-Z][a-z]{2,})(?:\.[a-z0-9]{1,5})?$/;

/**
 * `/etc/ssl/certs/ca.pem`, `/run/secrets/db`: a value that begins with `/` and names at least one folder
 * or file as paths do. One in 64 random base64 secrets begins with `/` too (`/9txgdFbQiz6D64TaLDzn7QN`);
 * its pieces are mixed-case runs that no path names.
 */
export function isAbsolutePath(value: string): boolean {
  return value.startsWith('/') && value.split('/').some((name) => PATH_NAME.test(name));
}

/**
 * Names that code writes where a value could go, in shapes no generated secret has: a Python entry point
 * or import path (`IPython.core.magics.osm:OSMagics`), a class's constant (`MQTTErrorCode.MQTT_ERR_AUTH`,
 * `Settings.SECRET_KEY`), and the identifiers bundlers generate (`__WEBPACK_IMPORTED_MODULE_0__`).
 */
export function isCodeName(value: string): boolean {
  if (/__webpack_|__WEBPACK_|__vite_|__turbopack_/.test(value)) return true;
  // A class's constant: letters only, the member in upper-case words joined by underscores.
  if (/^[A-Z][A-Za-z]*(?:\.[A-Z]{2,}(?:_[A-Z]{2,})+)+$/.test(value)) return true;
  // An entry point; the shape alone could be a random value with a dot and a colon, so its pieces must read as words.
  return /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/.test(value) && isIdentifierLike(value);
}
