/**
 * The rules a command runs with: the built-in catalogue (unless `--no-builtin-rules`) plus any `--rules`
 * paths, with duplicate ids rejected across all of them.
 */
import { BUILTIN_RULES_DIR, loadRules } from '../ruleset/load-rules.js';
import type { Rule } from '../ruleset/rule.js';
import { UserError } from '../user-error.js';

export function loadRuleCatalogue(options: { rules?: string[]; builtinRules: boolean }): Rule[] {
  const paths = [...(options.builtinRules ? [BUILTIN_RULES_DIR] : []), ...(options.rules ?? [])];
  if (paths.length === 0) throw new UserError('usage', '--no-builtin-rules needs at least one --rules PATH');
  return loadRules(paths);
}
