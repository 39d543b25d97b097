/**
 * Checks SARIF the way GitHub will: against the official 2.1.0 JSON schema (shipped in the
 * @microsoft/sarif-multitool package), and with Microsoft's SARIF Multitool `validate` running its SARIF
 * and GitHub ingestion rule sets. Returns the problems found, as readable lines.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const multitoolDir = path.dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json'));
export const SARIF_SCHEMA_PATH = path.join(multitoolDir, 'sarif-2.1.0.json');
const MULTITOOL = path.join(multitoolDir, 'Sarif.Multitool');

// ajv-formats is CommonJS with an ES-style default in its typings.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export function schemaErrors(sarif: unknown): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')));
  if (validate(sarif)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

export interface MultitoolProblem {
  ruleId: string;
  level: string;
  message: string;
}

/** Runs `Sarif.Multitool validate --rule-kind "Gh;Sarif"` and returns its error and warning results. */
export function multitoolProblems(sarifText: string): MultitoolProblem[] {
  const directory = mkdtempSync(path.join(tmpdir(), 'sarif-validate-'));
  try {
    const input = path.join(directory, 'input.sarif');
    const output = path.join(directory, 'validation.sarif');
    writeFileSync(input, sarifText);
    execFileSync(MULTITOOL, ['validate', input, '--rule-kind', 'Gh;Sarif', '--output', output, '--log', 'ForceOverwrite'], {
      stdio: 'pipe',
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    });
    const log = JSON.parse(readFileSync(output, 'utf8')) as {
      runs: { results?: { ruleId: string; level?: string; message: { text?: string; id?: string; arguments?: string[] } }[] }[];
    };
    return (log.runs[0]?.results ?? [])
      .filter((result) => result.level === 'error' || result.level === 'warning')
      .map((result) => ({
        ruleId: result.ruleId,
        level: result.level ?? 'warning',
        message: result.message.text ?? `${result.message.id} ${JSON.stringify(result.message.arguments)}`,
      }));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
