/**
 * Reporters by name, for `--format`. Each turns a Report into the text of one output file.
 */
import { writeJson } from './json.js';
import type { Report } from './report.js';
import { writeSarif } from './sarif.js';
import { writeText } from './text.js';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

export function renderReport(format: Format, report: Report, options: { color: boolean }): string {
  switch (format) {
    case 'json':
      return writeJson(report);
    case 'sarif':
      return writeSarif(report);
    case 'text':
      return writeText(report, options);
  }
}
