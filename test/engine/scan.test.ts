/**
 * The engine with the real worker pool, below the CLI: inputs that vanish or cannot be read are counted,
 * never dropped silently.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { scanFiles } from '../../src/engine/scan.js';
import { matcherSpecOf } from '../../src/ruleset/rule.js';
import { builtinRule, fakeMaker } from '../support/fakes.js';
import { ScanEnv } from '../support/scan-env.js';

describe('scanFiles', () => {
  const env = new ScanEnv();
  afterAll(() => env.cleanup());

  it('counts a file that disappeared after listing as unreadable, and scans the rest', async () => {
    const token = fakeMaker('engine').fake('github.pat.classic');
    const present = env.write('present.env', `TOKEN=${token}\n`);
    const { matches, stats } = await scanFiles(
      {
        files: [
          { absolutePath: present, relativePath: 'present.env' },
          { absolutePath: env.path('gone.env'), relativePath: 'gone.env' },
        ],
        skipped: [],
      },
      { rules: [matcherSpecOf(builtinRule('github.pat.classic'))], threads: 2 },
    );
    expect(matches.map(({ match, provenance }) => [provenance, match.line, match.column])).toEqual([[{ kind: 'file', path: 'present.env' }, 1, 7]]);
    expect(stats.filesScanned).toBe(1);
    expect(stats.skipped).toEqual([{ path: 'gone.env', reason: 'unreadable', detail: 'ENOENT' }]);
  });
});
