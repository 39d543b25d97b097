/**
 * The engine with the real worker pool, below the CLI: inputs that vanish or cannot be read are counted,
 * never dropped silently.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { scanItems } from '../../src/engine/scan.js';
import { matcherSpecOf } from '../../src/ruleset/rule.js';
import { builtinRule, fakeMaker } from '../support/fakes.js';
import { execFileSync } from 'node:child_process';
import { GitRepo } from '../support/git-repo.js';
import { ScanEnv } from '../support/scan-env.js';

/** A scan, once its worker threads (and their git processes) have ended too, as the CLI waits for them. */
async function scanToEnd(...args: Parameters<typeof scanItems>): ReturnType<typeof scanItems> {
  const output = await scanItems(...args);
  await output.threadsEnded;
  return output;
}

describe('scanFiles', () => {
  const env = new ScanEnv();
  afterAll(() => env.cleanup());

  it('counts a file that disappeared after listing as unreadable, and scans the rest', async () => {
    const token = fakeMaker('engine').fake('github.pat.classic');
    const present = env.write('present.env', `TOKEN=${token}\n`);
    const { matches, stats } = await scanToEnd(
      {
        items: [
          { kind: 'file', id: 'present.env', absolutePath: present },
          { kind: 'file', id: 'gone.env', absolutePath: env.path('gone.env') },
        ],
        skipped: [],
        provenanceOf: (id) => [{ kind: 'file', path: id }],
      },
      { rules: [matcherSpecOf(builtinRule('github.pat.classic'))], threads: 2 },
    );
    expect(matches.map(({ match, provenance }) => [provenance, match.line, match.column])).toEqual([[{ kind: 'file', path: 'present.env' }, 1, 7]]);
    expect(stats.filesScanned).toBe(1);
    expect(stats.skipped).toEqual([{ path: 'gone.env', reason: 'unreadable', detail: 'ENOENT' }]);
  });
});

describe('scanItems with bytes from memory', () => {
  it('scans bytes through the same chunking, and gives every provenance of an item its matches', async () => {
    const token = fakeMaker('engine-bytes').fake('github.pat.classic');
    const bytes = Buffer.from(`line one\nline two\nconst t = "${token}";\n`);
    const { matches, stats } = await scanToEnd(
      {
        items: [
          { kind: 'bytes', id: 'blob-1', bytes },
          { kind: 'bytes', id: 'blob-2', bytes: Buffer.from([0x00, 0x01, 0x02]) },
        ],
        skipped: [],
        provenanceOf: (id) => (id === 'blob-1' ? [{ kind: 'file', path: 'a.ts' }, { kind: 'file', path: 'b.ts' }] : []),
      },
      { rules: [matcherSpecOf(builtinRule('github.pat.classic'))], threads: 1 },
    );
    expect(matches.map(({ match, provenance }) => [provenance.path, match.line, match.column, match.secret === token])).toEqual([
      ['a.ts', 3, 12, true],
      ['b.ts', 3, 12, true],
    ]);
    expect(stats.skipped).toEqual([{ path: 'blob-2', reason: 'binary' }]);
  });
});

describe('scanItems with a source faster than the scan', () => {
  it('holds back a source of bytes in memory (stdin, staged files) so that only a bounded amount waits', async () => {
    const token = fakeMaker('engine-backpressure').fake('github.pat.classic');
    const itemBytes = 512 * 1024;
    const itemCount = 200; // 100 MB in all, three times what may wait for the workers
    let produced = 0;
    let recorded = 0;
    let mostAhead = 0;
    async function* blobs() {
      for (let index = 0; index < itemCount; index++) {
        mostAhead = Math.max(mostAhead, produced - recorded);
        produced++;
        const bytes = Buffer.alloc(itemBytes, 0x20);
        bytes.write(`t = "${token}"\n`, 1000);
        yield { kind: 'bytes' as const, id: `blob-${index}`, bytes };
      }
    }
    const { matches } = await scanToEnd(
      {
        items: blobs(),
        skipped: [],
        // Called as each scanned item's matches come back: every item has one.
        provenanceOf: (id) => {
          recorded++;
          return [{ kind: 'file', path: id }];
        },
      },
      { rules: [matcherSpecOf(builtinRule('github.pat.classic'))], threads: 2 },
    );
    expect(matches).toHaveLength(itemCount);
    // At most 32 MB handed out plus the 4 MB batch being filled: 72 items of 512 KB.
    expect(mostAhead).toBeLessThanOrEqual(72);
    expect(mostAhead).toBeGreaterThan(8);
  });
});

describe('scanItems with git blobs read by the workers', () => {
  const env = new ScanEnv();
  afterAll(() => env.cleanup());

  it('reads each blob through the workers\' own git, reports a missing one, and leaves no git process behind', async () => {
    const repo = new GitRepo(env.path('repo'));
    const token = fakeMaker('engine-blobs').fake('github.pat.classic');
    repo.write('a.env', `TOKEN=${token}\n`).write('b.txt', 'nothing here\n').commit('add', '2024-01-01T00:00:00Z');
    const blobOf = (file: string) => repo.git('rev-parse', `HEAD:${file}`).trim();
    const missing = 'f'.repeat(40);
    const items = [blobOf('a.env'), blobOf('b.txt'), missing].map((id) => ({ kind: 'git-blob' as const, id, repository: repo.root }));
    const { matches, stats } = await scanToEnd(
      { items, skipped: [], provenanceOf: (id) => [{ kind: 'git', path: id === missing ? 'gone.txt' : id, blobId: id }] },
      { rules: [matcherSpecOf(builtinRule('github.pat.classic'))], threads: 2 },
    );
    expect(matches.map(({ match }) => match.secret)).toEqual([token]);
    expect(stats.filesScanned).toBe(2);
    expect(stats.skipped).toEqual([{ path: 'gone.txt', reason: 'unreadable', detail: `blob ${missing.slice(0, 12)} is missing from the repository` }]);
    // Every worker ended its git before the pool stopped: none is left running, nor unreaped.
    // (A git left behind shows as `git`, running or a `<defunct>` zombie; `ps` itself is the one child.)
    const children = execFileSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)]).toString().split('\n').filter(Boolean);
    expect(children).toEqual(['ps']);
  });
});
