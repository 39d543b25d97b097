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

export const saasValidators: readonly Validator[] = [discordBotTokenValidator];
