/**
 * Every offline validator, by the name rules use in `validator:`. Add a validator here and rules can name it.
 */
import { awsKeyIdValidator } from './aws-key-id.js';
import { base62Crc32Validator } from './base62-crc32.js';
import { genericAssignmentValidator } from './generic-assignment.js';
import { jwtValidator } from './jwt.js';
import { privateKeyValidator } from './private-key.js';
import { aiValidators } from './family-ai.js';
import { cloudValidators } from './family-cloud.js';
import { coreValidators } from './family-core.js';
import { devtoolsValidators } from './family-devtools.js';
import { observabilityValidators } from './family-observability.js';
import { saasValidators } from './family-saas.js';
import { tokenLifetimeValidators } from './token-lifetime-setting.js';
import type { Validator } from './validator.js';

const VALIDATORS: readonly Validator[] = [
  base62Crc32Validator('github-crc32', /^(?:gh[pousr]_)/, 'GitHub'),
  base62Crc32Validator('npm-crc32', /^npm_/, 'npm'),
  awsKeyIdValidator,
  jwtValidator,
  privateKeyValidator,
  genericAssignmentValidator,
  ...cloudValidators,
  ...devtoolsValidators,
  ...saasValidators,
  ...observabilityValidators,
  ...aiValidators,
  ...coreValidators,
  ...tokenLifetimeValidators,
];

/**
 * Every validator in one object shape (the families write theirs as literals, some with `complete`, some
 * made by a function), so that the detector's `validator.check` load meets one hidden class: each new shape
 * it met threw the detector's optimised code away in every worker.
 */
function inOneShape({ name, check, complete }: Validator): Validator {
  return { name, check, complete };
}

const BY_NAME = new Map<string, Validator>();
for (const validator of VALIDATORS) {
  if (BY_NAME.has(validator.name)) throw new Error(`two validators are named ${validator.name}`);
  BY_NAME.set(validator.name, inOneShape(validator));
}

export function validatorNamed(name: string): Validator | undefined {
  return BY_NAME.get(name);
}

export function validatorNames(): string[] {
  return [...BY_NAME.keys()].sort();
}
