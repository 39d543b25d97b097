/**
 * Token lifetime settings (a Vault `max_ttl`, a Cognito `refresh_token_validity`): kept only when the
 * lifetime is above the project's threshold (`thresholds.max_token_lifetime_hours`, thirty days by
 * default), because a "short-lived" token that lives for months is standing access.
 */
import { DEFAULT_VALIDATOR_SETTINGS, type Validator } from './validator.js';

const HOURS_PER_UNIT: Readonly<Record<string, number>> = { s: 1 / 3600, m: 1 / 60, h: 1, d: 24, w: 168, y: 8760 };

/** `8760h`, `30d`, `1y`; a bare number is in `defaultUnit`. */
export function durationHours(value: string, defaultUnit: string): number | undefined {
  const found = /^(\d+)([smhdwy]?)$/.exec(value.trim().toLowerCase());
  if (!found) return undefined;
  return Number(found[1]) * HOURS_PER_UNIT[found[2] || defaultUnit]!;
}

function lifetimeValidator(name: string, defaultUnit: string): Validator {
  return {
    name,
    check(secret, settings = DEFAULT_VALIDATOR_SETTINGS) {
      const hours = durationHours(secret, defaultUnit);
      if (hours === undefined) return { kind: 'reject', reason: 'not a duration' };
      if (hours <= settings.maxTokenLifetimeHours) return { kind: 'reject', reason: 'within the lifetime threshold' };
      return { kind: 'valid', evidence: `${Math.round(hours)} hours, above the threshold of ${settings.maxTokenLifetimeHours} hours` };
    },
  };
}

export const tokenLifetimeValidators: readonly Validator[] = [lifetimeValidator('lifetime-hours', 'h'), lifetimeValidator('lifetime-days', 'd')];
