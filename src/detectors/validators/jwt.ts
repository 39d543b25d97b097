/**
 * JSON Web Tokens: three base64url parts, the first a JSON header with an `alg`. Decoded offline, never
 * verified: the claims tell the lifetime (`exp - iat`, or no `exp` at all), issuer and audience.
 */
import type { Validator } from './validator.js';

export interface JwtClaims {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

export function decodeJwt(token: string): JwtClaims | undefined {
  const [headerPart, payloadPart] = token.split('.');
  if (!headerPart || !payloadPart) return undefined;
  const header = decodeJsonPart(headerPart);
  const payload = decodeJsonPart(payloadPart);
  if (!header || typeof header.alg !== 'string' || !payload) return undefined;
  return { header, payload };
}

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const jwtValidator: Validator = {
  name: 'jwt',
  check(secret) {
    const claims = decodeJwt(secret);
    if (!claims) return { kind: 'reject', reason: 'does not decode as a JWT' };
    const attributes: Record<string, string> = { alg: String(claims.header.alg) };
    for (const claim of ['iss', 'aud', 'sub', 'exp', 'iat']) {
      const value = claims.payload[claim];
      if (typeof value === 'string' || typeof value === 'number') attributes[claim] = String(value);
    }
    if (String(claims.header.alg).toLowerCase() === 'none') attributes.unsigned = 'true';
    return { kind: 'valid', evidence: `decodes as a JWT (alg ${attributes.alg})`, attributes };
  },
};
