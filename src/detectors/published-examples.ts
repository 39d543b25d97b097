/**
 * Values that standards and vendor documentation publish as examples, which code then quotes in its
 * docstrings and tests (oauthlib carries every one of RFC 6749's): public knowledge that grants nothing.
 * A match whose value is one of them is not reported, whatever rule found it.
 *
 * Stored as SHA-256 hashes of the exact value, so this repository holds no key-shaped strings; each
 * names where it is published. Add only values printed in a standard or a vendor's own documentation.
 */
import { createHash } from 'node:crypto';

const PUBLISHED_EXAMPLE_HASHES = new Set<string>([
  // RFC 6749 (OAuth 2.0) 4.1.2, 4.2.2 and 5.1: the example access token.
  '6c96130f130ab0d6d158397e24d2bcc1c9a5e73ae081f6e983f1c7b545d24a4c',
  // RFC 6749 5.1: the example refresh token.
  '00cf4c781dc37003f7c7dd7d4c9a6ef1e0f4c62d9a291aa8bc398774e3fefd32',
  // RFC 6749 4.1.2: the example authorization code.
  'a35b81a7d7927b70ec99270dd2362b88580a28574af812f2c02f56469579186f',
  // RFC 6749 2.3.1: the example client password, and the Basic credentials it makes with its client id.
  'e9974c507d2a802143f614c878fcbb622a3800e05e6e0d329fee2c5b6b243329',
  '584b27d64ebc1b3341f7fc9a9c3f1a54422e9a1ca3079fd5531d9f489219f8d0',
  // RFC 6749 4.4.2: the example client secret, and its Basic credentials.
  '53f5da0aaa93d64cd5772c554cbf940f0539e689dddbeb8f923eec3f72c02ea9',
  'ca7459e2b26776de081b9a07e40227fd6cff232a1e3233ff6b6aa6d036ca9981',
  // RFC 6750 (Bearer Token Usage) 2.1: the example bearer token.
  'b8e148545b13c78bc74da2f1a7275dd71e56ddece129d7d2f7b3ecc06f7994da',
  // RFC 5849 (OAuth 1.0) 1.2: the example consumer key and secret, temporary credentials and token
  // credentials (`dpf43f3p2l4k3l03`, `hh5s93j4hdidpola`, `nnch734d00sl2jdk` and their secrets).
  '293257ab6495ebb11cf9e4aee0686ca30df8de2ab8d251f2cbbcf177bdfcae91',
  'cb87c87e4a138d9a72259d2a01bab15623c9846e568c1509b287721645a6ea53',
  '4c20e6f5cc11b93731e74cbe20739821d61c3563c9f50ecb884a27cd369f01fb',
  '5435a2f13f1e85e32fed9f30d49e097189047e73fb04510409a32f55ca0e863f',
  'bb9b1163338b2a51495834ad5c65420443d6327381cf0f94ebf92b117f209d72',
  '649e1f5c769e718ba10d1a702a36499a731441d960b06da91c4c97786bf84595',
  // RFC 5849 3.5.1: the consumer key and token of the example Authorization header.
  '8d567eb88afff34f31ab97fbb2731e582703bdeaf3c92b989cf568e0b23cef31',
  '9d03b692e941d5ace207a9f8048834439f6de98e5c6c1590c22c4f4577c88a42',
  // OpenID Connect Core 1.0 3.1.3.3: the example access and refresh tokens.
  'ad71fb4165536675d80a8bbfe957697e4b9e17b35d5500406abc219705337107',
  '9e309cccd311ea64d04133daf7760f71f38a566db7aa98b71e043ede9325680f',
  // jwt.io's default example token (HS256, signed with `your-256-bit-secret`).
  '7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606',
  // PyJWT's documented example token (`{"some": "payload"}`, HS256 with `secret`).
  'bf145d9380bbe05bdc1a72525796b224f8a8c93ae0e9e102eafbc255ac1af9e8',
  // The example TOTP secret of Google Authenticator's key URI format
  // (https://github.com/google/google-authenticator/wiki/Key-Uri-Format).
  '8be5d113c0871ce1a122d68a7dff940ab7b09ad8dfcfd9a85aa5c1acc026279e',
  // The two sample passwords of Microsoft's nuget.config reference (packageSourceCredentials,
  // https://learn.microsoft.com/nuget/reference/nuget-config-file#packagesourcecredentials), copied into
  // many repositories and every translation of the page.
  'dba72c00f41f4e4c435e2491a5e1ce0140c7b5a6a498dc4847396b5e6368970c',
  'a0702bc91d699f600970f4dc4992b13ede1a29d49fa0942dd4bed2b5e4b1016e',
  // The Cargo Book's example registry token in `credentials.toml`
  // (https://doc.rust-lang.org/cargo/reference/registries.html#publishing-to-an-alternate-registry).
  '3c14aab79351be94e9c4202d8f6d28c4a5d73cfb2e6e302d2d2478159ef57f9f',
  // systemd.netdev(5)'s example WireGuard private key (its Examples section).
  '08136314cc06d4f2e8e9bf82cb999595f0a3ef7f9ffc0e2960cf849e1f5c09d2',
  // The AWS IAM API Reference's example passwords (ChangePassword, CreateLoginProfile, UpdateLoginProfile),
  // which botocore ships in its examples-1.json and so sits in every Python environment with boto3.
  '6caa448826c11cd39c78a3a223c3ddb55358c975c0456e37058ccfbc559c86ce',
  'e6c2d3455587c47ccdd3df1271882656bc27be85f8eb6576eea35fe1aafa172a',
  'd8ccc3c547c850170a24a46dceca05861438dca7b115589739d526d2df404b66',
  'ce4c9cdcf4277d15792dfdb6671dd96f67d2b12b35ee3e79ced10e4ef4f318cc',
  // The AWS Storage Gateway API Reference's example local console password (SetLocalConsolePassword).
  '143a54d093f18549a88e5a50e8c6d21fa28454031a4dbda0d0c0cadf45b6cfad',
  // The presigned URL's signature in the Elastic Beanstalk API Reference's RetrieveEnvironmentInfo example.
  'd2270e152abea353702abe08190653ee44269d642ebfcab2fe4e3049aff0bb13',
  // The Azure Storage emulator's (Azurite) well-known account key for `devstoreaccount1`
  // (https://learn.microsoft.com/en-us/azure/storage/common/storage-use-azurite#connection-strings).
  '0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059',
]);

/** Shorter than any of them: no hash is computed for the many short values a scan meets. */
const SHORTEST = 10;

/**
 * The answers for the values met last. A log repeats the same few tokens on every line, and a tree the
 * same key in many files: hashing each occurrence again took a tenth of a thread's time on such a log.
 * Only values up to `REMEMBERED_LENGTH` (tokens, not key blocks), and emptied when full: a megabyte at most.
 */
const answered = new Map<string, boolean>();
const ANSWERS_KEPT = 4096;
const REMEMBERED_LENGTH = 256;

export function isPublishedExample(value: string): boolean {
  if (value.length < SHORTEST) return false;
  let answer = answered.get(value);
  if (answer === undefined) {
    // Base32 (TOTP secrets) reads the same in either case: `jbsw…` is the example too.
    const upper = value.toUpperCase();
    answer = PUBLISHED_EXAMPLE_HASHES.has(sha256(value)) || (upper !== value && PUBLISHED_EXAMPLE_HASHES.has(sha256(upper)));
    if (answered.size >= ANSWERS_KEPT) answered.clear();
    if (value.length <= REMEMBERED_LENGTH) answered.set(value, answer);
  }
  return answer;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
