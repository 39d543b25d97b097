/**
 * `sprawl rules list` prints the catalogue (text, JSON, or a Markdown table with lifetime and controls);
 * `sprawl rules check [FILE…]` validates rule files, runs their examples and checks their keywords against
 * random matches of their patterns, as the test suite does.
 */
import { checkRuleExamples } from '../../ruleset/check-examples.js';
import { BUILTIN_RULES_DIR, loadRules } from '../../ruleset/load-rules.js';
import { NHI_TOP10, type Rule } from '../../ruleset/rule.js';
import { EXIT } from '../exit-codes.js';
import { loadRuleCatalogue, rejectClashes } from '../load-rule-catalogue.js';

export function runRulesList(options: { format: string; rules?: string[]; builtinRules: boolean }): number {
  const rules = loadRuleCatalogue(options);
  process.stdout.write(
    options.format === 'json' ? `${JSON.stringify(rules.map(publicFields), null, 2)}\n` : options.format === 'markdown' ? markdownTable(rules) : textTable(rules),
  );
  return EXIT.clean;
}

export function runRulesCheck(files: readonly string[]): number {
  const rules = loadRules(files.length > 0 ? files : [BUILTIN_RULES_DIR]);
  // Examples may borrow other rules' fakes, so the built-in catalogue is always available for lookup.
  const builtins = files.length > 0 ? safeBuiltins() : [];
  // As `scan --rules` would refuse them.
  rejectClashes(rules, builtins);
  const lookup = new Map([...builtins, ...rules].map((rule) => [rule.id, rule]));
  let examples = 0;
  let failures = 0;
  for (const rule of rules) {
    for (const result of checkRuleExamples(rule, lookup)) {
      if (result.kind !== 'keywords') examples++;
      if (!result.ok) {
        failures++;
        process.stdout.write(`FAIL ${result.name} (rule ${result.ruleId}): ${result.problem}\n`);
      }
    }
  }
  process.stdout.write(`${rules.length} rules, ${examples} examples: ${failures === 0 ? 'all pass' : `${failures} failed`}\n`);
  return failures === 0 ? EXIT.clean : EXIT.findings;
}

function safeBuiltins(): Rule[] {
  try {
    return loadRules([BUILTIN_RULES_DIR]);
  } catch {
    return [];
  }
}

function publicFields(rule: Rule) {
  // The plan is the engine's reading of the pattern, not part of the rule a user writes.
  const { examples: _examples, negativeExamples: _negativeExamples, plan: _plan, ...rest } = rule;
  return rest;
}

function textTable(rules: readonly Rule[]): string {
  const width = Math.max(...rules.map((rule) => rule.id.length), 2);
  const lines = rules.map((rule) => `${rule.id.padEnd(width)}  ${rule.lifetime.padEnd(11)}  ${rule.severity.padEnd(8)}  ${rule.name}`);
  return `${lines.join('\n')}\n${rules.length} rules\n`;
}

function markdownTable(rules: readonly Rule[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const rows = rules.map((rule) =>
    [
      `\`${rule.id}\``,
      escape(rule.name),
      rule.provider,
      rule.lifetime,
      rule.severity,
      rule.cwe.join(', '),
      rule.nhi.map((id) => `${id} ${NHI_TOP10[id]}`).join(', '),
    ].join(' | '),
  );
  return ['| id | name | provider | lifetime | severity | CWE | OWASP NHI |', '|---|---|---|---|---|---|---|', ...rows.map((row) => `| ${row} |`)].join('\n') + '\n';
}
