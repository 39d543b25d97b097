/**
 * Offline validators for the cloud rule family (rules/aws.yml, gcp.yml, azure.yml, cloud-platforms.yml).
 * Each entry is named by the rules that use it; see validator.ts for the contract. None of these claims a
 * checksum: they check structure (a decodable payload, a fixed signature) or drop documented examples.
 */
import { awsKeyIdValidator } from './aws-key-id.js';
import { placeholderWords } from './placeholder-words.js';
import { hasAscendingRun } from './typed-values.js';
import type { Validator } from './validator.js';

/** Placeholder words in a provider's credential, and the brackets of a template. `fake` is left out on purpose. */
const PLACEHOLDER_WORDS = placeholderWords('insert', 'replace[_-]?me', '<', '>', '\\$\\{', '\\{\\{');

/** `AUTH_CLIENT_SECRET_value`, `my-storage-account-key`: words of three or more letters joined by `_` or `-`. */
const IDENTIFIER_PHRASE = /^[A-Za-z]{3,}(?:[_-][A-Za-z]{3,})+$/;

/**
 * For context-identified values (a 40-character AWS secret after `aws_secret_access_key`, an 88-character
 * Azure storage key): drops documentation placeholders and known public example values.
 */
const cloudCredentialValue: Validator = {
  name: 'cloud-credential-value',
  check(secret) {
    if (PLACEHOLDER_WORDS.test(secret)) return { kind: 'reject', reason: 'a documentation placeholder' };
    if (IDENTIFIER_PHRASE.test(secret)) return { kind: 'reject', reason: 'words joined by separators: an identifier, not a key' };
    return { kind: 'valid', evidence: 'credential-shaped value in a provider-specific context, not a known placeholder' };
  },
};

/**
 * Azure "identifiable" keys carry a service signature at a fixed offset: 88-character keys at offset 76
 * (+ASt storage, ACDb Cosmos DB, +ABa Batch, APIM), 44-character keys at offset 33 (+ASb, +AEh,
 * +ARm, AIoT, AzCa, AZEG), Functions keys at offset 44 (AzFu), and Entra client secrets have `Q~` at offset 4.
 * Source: https://github.com/microsoft/security-utilities (GeneratedRegexPatterns).
 * Such a key has its own rule, so a connection-string rule leaves it alone instead of reporting it twice.
 */
const AZURE_SIGNATURES_88 = new Set(['+ASt', 'ACDb', '+ABa', 'APIM']);
const AZURE_SIGNATURES_44 = new Set(['+ASb', '+AEh', '+ARm', 'AIoT', 'AzCa', 'AZEG']);

export function azureIdentifiableSignature(value: string): string | undefined {
  if (value.length === 88 && AZURE_SIGNATURES_88.has(value.slice(76, 80))) return value.slice(76, 80);
  if (value.length === 44 && AZURE_SIGNATURES_44.has(value.slice(33, 37))) return value.slice(33, 37);
  if (value.length === 56 && value.slice(44, 48) === 'AzFu') return 'AzFu';
  if (/^[A-Za-z0-9_~.-]{3}[0-9]Q~/.test(value)) return 'Q~';
  return undefined;
}

const azureUnidentifiedKey: Validator = {
  name: 'azure-unidentified-key',
  check(secret) {
    const signature = azureIdentifiableSignature(secret);
    if (signature) return { kind: 'reject', reason: `an identifiable Azure key (${signature}), reported by its own rule` };
    return cloudCredentialValue.check(secret);
  },
};

/**
 * For prefixed tokens whose body is random (Google API keys): a body with an ascending run
 * (`abcdefghij...`) or a placeholder word is a made-up example.
 */
const cloudRandomBody: Validator = {
  name: 'cloud-random-body',
  check(secret) {
    if (PLACEHOLDER_WORDS.test(secret)) return { kind: 'reject', reason: 'a documentation placeholder' };
    if (hasAscendingRun(secret, 6)) return { kind: 'reject', reason: 'an ascending run of characters: a made-up example' };
    return { kind: 'valid', evidence: 'prefixed token with a random-looking body' };
  },
};

/**
 * AWS access key ids: the account-decoding check of aws-key-id, after dropping AWS's documentation ids,
 * which all contain `EXAMPLE` (https://docs.aws.amazon.com/IAM/latest/UserGuide/security-creds.html).
 */
const awsAccessKeyId: Validator = {
  name: 'aws-access-key-id',
  check(secret) {
    if (/EXAMPLE/.test(secret)) return { kind: 'reject', reason: 'an AWS documentation example key id' };
    return awsKeyIdValidator.check(secret);
  },
};

/**
 * An Azure shared access signature captured as its query string (`sv=...&se=...&sig=...`): reports the
 * expiry `se` and permissions `sp`. Field meanings:
 * https://learn.microsoft.com/en-us/rest/api/storageservices/create-service-sas#specify-the-signature
 */
const azureSas: Validator = {
  name: 'azure-sas',
  check(secret) {
    const params = new Map<string, string>();
    for (const part of secret.split(/&(?:amp;)?/)) {
      const eq = part.indexOf('=');
      if (eq > 0) params.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
    }
    const sig = params.get('sig');
    if (!sig || sig.length < 20) return { kind: 'reject', reason: 'no signature in the SAS query' };
    if (!params.has('sv')) return { kind: 'reject', reason: 'no sv= service version: not an Azure SAS query' };
    if (PLACEHOLDER_WORDS.test(sig)) return { kind: 'reject', reason: 'a documentation placeholder signature' };
    const attributes: Record<string, string> = {};
    const permissions = params.get('sp');
    if (permissions) attributes.permissions = decodeURIComponent(permissions);
    const expiry = params.get('se');
    if (!expiry) {
      attributes.expiry = 'none in token (stored access policy or none)';
      return { kind: 'valid', evidence: 'SAS token with a signature and no se expiry field', attributes };
    }
    let decoded = expiry;
    try {
      decoded = decodeURIComponent(expiry);
    } catch {
      // keep the raw value
    }
    const when = Date.parse(decoded);
    if (Number.isNaN(when)) return { kind: 'valid', evidence: 'SAS token with a signature', attributes: { ...attributes, expiresAt: decoded } };
    attributes.expiresAt = new Date(when).toISOString();
    if (when < Date.now()) attributes.expired = 'true';
    return { kind: 'valid', evidence: `SAS token with a signature, expiring ${attributes.expiresAt}`, attributes };
  },
};

function decodeBase64Json(value: string): Record<string, unknown> | undefined {
  try {
    const text = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Cloudflare Tunnel token is base64 JSON `{"a": account tag, "t": tunnel id, "s": tunnel secret}`
 * (https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/configure-tunnels/remote-tunnel-permissions/).
 */
const cloudflareTunnelToken: Validator = {
  name: 'cloudflare-tunnel-token',
  check(secret) {
    const payload = decodeBase64Json(secret);
    if (!payload || typeof payload.a !== 'string' || typeof payload.t !== 'string' || typeof payload.s !== 'string') {
      return { kind: 'reject', reason: 'does not decode to a tunnel token payload {a, t, s}' };
    }
    return { kind: 'valid', evidence: 'decodes to a Cloudflare Tunnel token', attributes: { accountTag: payload.a, tunnelId: payload.t } };
  },
};

export const cloudValidators: readonly Validator[] = [
  cloudCredentialValue,
  cloudRandomBody,
  awsAccessKeyId,
  azureSas,
  azureUnidentifiedKey,
  cloudflareTunnelToken,
];
