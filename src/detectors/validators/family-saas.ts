/**
 * Offline validators for the saas rule family (rules/*.yml files of that family). Each entry is named by
 * the rules that use it; see validator.ts for the contract.
 */
import type { Validator } from './validator.js';

/**
 * Discord bot tokens are `<base64(user id)>.<base64 timestamp>.<HMAC>`: the first part is the bot's
 * snowflake id, a 17-20 digit decimal number, in unpadded base64. Documented by Discord's own token
 * description (https://discord.com/developers/docs/reference#authentication) and widely decoded so;
 * a three-part dotted string whose first part is not a base64 snowflake is not a bot token.
 */
export const discordBotTokenValidator: Validator = {
  name: 'discord-bot-token',
  check(secret) {
    const first = secret.split('.')[0] ?? '';
    const decoded = Buffer.from(first.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
    if (!/^[0-9]{17,20}$/.test(decoded)) return { kind: 'reject', reason: 'first part does not decode to a Discord snowflake id' };
    return { kind: 'valid', evidence: 'first part decodes to a Discord snowflake id', attributes: { user_id: decoded } };
  },
};

/**
 * Mapbox access tokens are `<pk|sk|tk>.<base64url JSON>.<signature>`, the JSON naming the account
 * (`{"u":"<username>","a":"<token id>"}`): https://docs.mapbox.com/accounts/guides/tokens/ (token format).
 * A middle part that does not decode to that JSON is kept at low severity: most often a made-up or
 * altered example.
 */
export const mapboxTokenValidator: Validator = {
  name: 'mapbox-token',
  check(secret) {
    const payload = secret.split('.')[1] ?? '';
    try {
      const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { u?: unknown }).u === 'string') {
        return { kind: 'valid', evidence: 'payload decodes to a Mapbox token claim', attributes: { user: (parsed as { u: string }).u } };
      }
    } catch {
      // fall through
    }
    return { kind: 'checksum-failed', evidence: 'payload does not decode to a Mapbox token claim: probably a made-up or altered value' };
  },
};

export const saasValidators: readonly Validator[] = [discordBotTokenValidator, mapboxTokenValidator];
