/**
 * The rules a command runs with: the built-in catalogue (unless `--no-builtin-rules`) plus any `--rules`
 * paths, with duplicate ids rejected across all of them.
 */
import { loadBuiltinRules } from '../ruleset/builtin-cache.js';
import { loadRules } from '../ruleset/load-rules.js';
import type { Rule } from '../ruleset/rule.js';
import { UserError } from '../user-error.js';

export function loadRuleCatalogue(options: { rules?: string[]; builtinRules: boolean }): Rule[] {
  const builtin = options.builtinRules ? loadBuiltinRules() : [];
  const user = options.rules && options.rules.length > 0 ? loadRules(options.rules) : [];
  if (builtin.length === 0 && user.length === 0) throw new UserError('usage', '--no-builtin-rules needs at least one --rules PATH');
  rejectClashes(user, builtin);
  return [...builtin, ...user];
}

/** A user's rule may not take a built-in rule's id: findings, baselines and SARIF key on it. */
export function rejectClashes(user: readonly Rule[], builtin: readonly Rule[]): void {
  const builtinIds = new Map(builtin.map((rule) => [rule.id, rule]));
  for (const rule of user) {
    const clash = builtinIds.get(rule.id);
    if (clash) throw new UserError('rule-invalid', `${rule.origin.file}:${rule.origin.line}: rule ${rule.id}: duplicate rule id (also at ${clash.origin.file}:${clash.origin.line})`);
  }
}
