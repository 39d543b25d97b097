/**
 * Offline validators for the observability, data-platform and identity rule families
 * (rules/observability.yml, rules/data-platforms.yml, rules/identity.yml). Each entry is named by the
 * rules that use it; see validator.ts for the contract.
 */
import { crc32 } from 'node:zlib';
import type { Validator, ValidatorVerdict } from './validator.js';

/** Decodes standard or URL-safe base64 to latin1 text, so a mangled byte never throws. */
function decodeBase64Loose(value: string): string {
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
}

/** The string value of `"name":"..."` in a (possibly damaged) JSON text, if present. */
function jsonStringField(text: string, name: string): string | undefined {
  const match = new RegExp(`"${name}"\\s*:\\s*"([^"]{1,200})"`).exec(text);
  return match?.[1];
}

/**
 * Grafana service-account tokens: `glsa_` + 32 random alphanumerics + `_` + 8 hex. The suffix is a
 * CRC32 (IEEE) of `glsa_<random>`, written as the checksum's little-endian bytes in hex. The scheme is
 * Grafana's token generator (pkg/components/satokengen in grafana/grafana); the byte order was confirmed
 * against service-account tokens that are public on GitHub (and so already burnt).
 */
function grafanaSaChecksum(keyWithoutChecksum: string): string {
  const sum = crc32(keyWithoutChecksum) >>> 0;
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(sum);
  return bytes.toString('hex');
}

const grafanaServiceAccountCrc32: Validator = {
  name: 'grafana-sa-crc32',
  check(secret) {
    const match = /^(glsa_[A-Za-z0-9]{32})_([a-f0-9]{8})$/.exec(secret);
    if (!match) return { kind: 'reject', reason: 'not shaped like glsa_<32 chars>_<8 hex>' };
    return grafanaSaChecksum(match[1]!) === match[2]
      ? { kind: 'valid', evidence: 'Grafana service-account token CRC32 checksum matches' }
      : { kind: 'checksum-failed', evidence: 'Grafana service-account token CRC32 checksum does not match: probably a made-up or truncated value' };
  },
  complete(body) {
    return `${body}_${grafanaSaChecksum(body)}`;
  },
};

/**
 * Legacy Grafana API keys are base64 of `{"k":"<key>","n":"<name>","id":<org>}`. Power BI embed links
 * carry base64 `{"k":"<guid>","t":"<tenant guid>",...}`, which starts with the same bytes: rejected.
 */
const grafanaApiKeyPayload: Validator = {
  name: 'grafana-api-key-payload',
  check(secret): ValidatorVerdict {
    const decoded = decodeBase64Loose(secret);
    if (!decoded.startsWith('{"k":"')) return { kind: 'reject', reason: 'does not decode to {"k":...}' };
    const key = jsonStringField(decoded, 'k') ?? '';
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(key) || /"t"\s*:/.test(decoded)) {
      return { kind: 'reject', reason: 'a Power BI embed token (GUID key, tenant field), not a Grafana API key' };
    }
    if (/"n"\s*:/.test(decoded)) {
      const name = jsonStringField(decoded, 'n');
      return { kind: 'valid', evidence: 'decodes to a Grafana API key payload {"k","n","id"}', ...(name ? { attributes: { name } } : {}) };
    }
    return { kind: 'checksum-failed', evidence: 'starts like a Grafana API key payload but the rest does not decode' };
  },
};

/** Grafana Cloud access-policy tokens: `glc_` + base64 of `{"o":"<org id>","n":"<name>","k":"<key>","m":{"r":"<region>"}}`. */
const grafanaCloudTokenPayload: Validator = {
  name: 'grafana-cloud-token-payload',
  check(secret): ValidatorVerdict {
    const decoded = decodeBase64Loose(secret.replace(/^glc_/, ''));
    if (!decoded.startsWith('{"')) return { kind: 'reject', reason: 'payload does not decode to JSON' };
    if (/"k"\s*:/.test(decoded) && (/"o"\s*:/.test(decoded) || /"n"\s*:/.test(decoded))) {
      const attributes: Record<string, string> = {};
      const org = jsonStringField(decoded, 'o');
      const name = jsonStringField(decoded, 'n');
      if (org) attributes.org = org;
      if (name) attributes.name = name;
      return { kind: 'valid', evidence: 'payload decodes to a Grafana Cloud token {"o","n","k"}', attributes };
    }
    return { kind: 'checksum-failed', evidence: 'payload decodes to JSON without the Grafana Cloud token fields' };
  },
};

/**
 * Sentry organisation auth tokens: `sntrys_` + base64 JSON `{"iat":..,"url":..,"region_url":..,"org":..}`
 * + `_` + the secret. Source: getsentry/sentry, src/sentry/utils/security/orgauthtoken_token.py.
 */
const sentryOrgTokenPayload: Validator = {
  name: 'sentry-org-token-payload',
  check(secret): ValidatorVerdict {
    const match = /^sntrys_([A-Za-z0-9+/]+={0,2})_/.exec(secret);
    if (!match) return { kind: 'reject', reason: 'not shaped like sntrys_<payload>_<secret>' };
    const decoded = decodeBase64Loose(match[1]!);
    if (!decoded.startsWith('{"')) return { kind: 'reject', reason: 'payload does not decode to JSON' };
    if (/"(?:iat|org|url)"\s*:/.test(decoded)) {
      const attributes: Record<string, string> = {};
      for (const field of ['org', 'url', 'region_url']) {
        const value = jsonStringField(decoded, field);
        if (value) attributes[field] = value;
      }
      return { kind: 'valid', evidence: 'payload decodes to a Sentry org token {"iat","url","org"}', attributes };
    }
    return { kind: 'checksum-failed', evidence: 'payload decodes to JSON without the Sentry org token fields' };
  },
};

export const observabilityValidators: readonly Validator[] = [
  grafanaServiceAccountCrc32,
  grafanaApiKeyPayload,
  grafanaCloudTokenPayload,
  sentryOrgTokenPayload,
];
