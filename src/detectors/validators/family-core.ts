/**
 * Offline validators for the core rule family (rules/*.yml files of that family). Each entry is named by
 * the rules that use it; see validator.ts for the contract.
 */
import type { Validator } from './validator.js';

export const coreValidators: readonly Validator[] = [];
