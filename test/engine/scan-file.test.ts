import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES, OVERLAP_BYTES, scanFile } from '../../src/engine/chunked-scan.js';
import { compileRuleset } from '../../src/ruleset/compile-rules.js';
import { matcherSpecOf } from '../../src/ruleset/rule.js';
import { builtinRule, fakeMaker } from '../support/fakes.js';
import { ScanEnv } from '../support/scan-env.js';

describe('scanFile, the worker\'s read of one listed path', () => {
  const env = new ScanEnv('sprawl-scan-file-');
  afterAll(() => env.cleanup());
  const ruleset = compileRuleset([matcherSpecOf(builtinRule('github.pat.classic'))]);

  it('reads a regular file and finds what is in it', () => {
    const token = fakeMaker('scan-file').fake('github.pat.classic');
    const path = env.write('app.env', `TOKEN=${token}\n`);
    const outcome = scanFile('app.env', path, ruleset);
    expect(outcome).toMatchObject({ kind: 'scanned', matches: [{ secret: token, line: 1, column: 7 }] });
  });

  it('judges a file by its own bytes, not by what an earlier file left in the reused buffer', () => {
    // A worker reads every file into one buffer: a gzip file read first leaves its magic number there.
    const buffer = Buffer.alloc(CHUNK_BYTES + OVERLAP_BYTES);
    const compressed = env.write('first.gz', gzipSync('just text\n'));
    expect(scanFile('first.gz', compressed, ruleset, buffer)).toMatchObject({ kind: 'scanned' });
    const tiny = env.write('tiny.txt', Buffer.from([0x1f, 0x8b]));
    expect(scanFile('tiny.txt', tiny, ruleset, buffer)).toMatchObject({ kind: 'scanned', bytes: 2 });
  });

  it('reads a file that reports size 0 (as /proc does) to its end', () => {
    const outcome = scanFile('status', '/proc/self/status', ruleset);
    expect(outcome).toMatchObject({ kind: 'scanned' });
    expect(outcome.kind === 'scanned' && outcome.bytes).toBeGreaterThan(100);
  });

  it('does not wait on a path that became a named pipe after listing: it is counted as a special file', () => {
    const path = env.path('became-a-pipe');
    execFileSync('mkfifo', [path]);
    // Opened as a plain read, a pipe with no writer blocks here, and the test times out.
    expect(scanFile('became-a-pipe', path, ruleset)).toEqual({ id: 'became-a-pipe', kind: 'skipped', reason: 'special-file' });
  });
});
