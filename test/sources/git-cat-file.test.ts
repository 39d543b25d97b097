import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { scanGitBlobs } from '../../src/engine/chunked-scan.js';
import { compileRuleset } from '../../src/ruleset/compile-rules.js';
import { matcherSpecOf } from '../../src/ruleset/rule.js';
import { CatFileFraming, CatFileSession, type ObjectReader } from '../../src/sources/git-cat-file.js';
import { builtinRule, fakeMaker } from '../support/fakes.js';
import { GitRepo } from '../support/git-repo.js';
import { ScanEnv } from '../support/scan-env.js';

/** Records what a session hands a reader, as whole objects. */
class Recorder implements ObjectReader {
  objects: (Buffer | 'missing')[] = [];
  piecesOfLast = 0;
  private pieces: Buffer[] = [];

  begin(): void {
    this.pieces = [];
    this.piecesOfLast = 0;
  }

  piece(bytes: Buffer): void {
    this.pieces.push(Buffer.from(bytes));
    this.piecesOfLast++;
  }

  end(): void {
    this.objects.push(Buffer.concat(this.pieces));
  }

  missing(): void {
    this.objects.push('missing');
  }
}

describe('CatFileFraming: objects cut out of --batch output in chunks of any size', () => {
  const id = (digit: string) => digit.repeat(40);
  const objects = ['first\nobject\n', '', 'x'.repeat(300), 'no newline at the end'];
  const output = Buffer.concat([
    ...objects.slice(0, 2).map((content, index) => Buffer.from(`${id(String(index))} blob ${Buffer.byteLength(content)}\n${content}\n`)),
    Buffer.from(`${id('a')} missing\n`),
    ...objects.slice(2).map((content, index) => Buffer.from(`${id(String(index + 2))} blob ${Buffer.byteLength(content)}\n${content}\n`)),
  ]);
  const expected = [objects[0], objects[1], 'missing', objects[2], objects[3]];

  /** Feeds `output` cut at the given offsets, all objects wanted by one read. */
  function parsedWithCuts(cuts: number[]): (string | undefined)[] {
    const framing = new CatFileFraming();
    const recorder = new Recorder();
    let ended = 0;
    const bounds = [0, ...cuts, output.length];
    for (let index = 0; index + 1 < bounds.length; index++) {
      const result = framing.parse(output.subarray(bounds[index], bounds[index + 1]), recorder, expected.length - ended);
      expect(result.used).toBe(bounds[index + 1]! - bounds[index]!);
      ended += result.ended;
    }
    expect(ended).toBe(expected.length);
    return recorder.objects.map((object) => object.toString());
  }

  it('gives the same objects however the output is cut: at every single offset, and byte by byte', () => {
    for (let cut = 1; cut < output.length; cut++) expect(parsedWithCuts([cut])).toEqual(expected);
    expect(parsedWithCuts(Array.from({ length: output.length - 1 }, (_, index) => index + 1))).toEqual(expected);
  });

  it('stops where the wanted objects end, leaving the rest of the chunk for the next read', () => {
    const framing = new CatFileFraming();
    const first = new Recorder();
    const result = framing.parse(output, first, 2);
    expect(result.ended).toBe(2);
    expect(first.objects.map((object) => object.toString())).toEqual(expected.slice(0, 2));
    const rest = new Recorder();
    expect(framing.parse(output.subarray(result.used), rest, 3)).toEqual({ used: output.length - result.used, ended: 3 });
    expect(rest.objects.map((object) => object.toString())).toEqual(expected.slice(2));
  });

  it('refuses output that is not --batch framing', () => {
    expect(() => new CatFileFraming().parse(Buffer.from('fatal: something else entirely\n'), new Recorder(), 1)).toThrow('git cat-file printed an unexpected header: fatal: something else entirely');
    expect(() => new CatFileFraming().parse(Buffer.from(`${id('0')} blob 3\nabcX`), new Recorder(), 1)).toThrow('lost its framing');
  });
});

describe('CatFileSession: blobs streamed from one git cat-file --batch', () => {
  const env = new ScanEnv('sprawl-cat-file-');
  afterAll(() => env.cleanup());
  const repo = new GitRepo(env.path('repo'));
  // Text, an empty file, and a blob larger than a pipe's buffer, so it arrives in several pieces.
  const large = randomBytes(300_000).toString('base64');
  const contents = ['first line\nsecond line\n', '', large, 'last\n'];
  const ids = contents.map((content, index) => {
    repo.write(`file-${index}.txt`, content);
    return repo.git('hash-object', '-w', `file-${index}.txt`).trim();
  });
  const absent = 'f'.repeat(40);
  const sessions: CatFileSession[] = [];
  const session = () => {
    const made = new CatFileSession(repo.root, { keepsProcessAlive: true });
    sessions.push(made);
    return made;
  };
  afterAll(async () => {
    await Promise.all(sessions.map((each) => each.closeAndWait()));
  });

  it('hands each requested object to the reader, whole and in order, a large one in pieces', async () => {
    const cat = session();
    const recorder = new Recorder();
    cat.request(ids);
    await cat.read(ids.length, recorder);
    expect(recorder.objects.map((object) => object.toString())).toEqual(contents);
    // The last object is small; the large one before it came in more than one piece.
    const again = new Recorder();
    cat.request([ids[2]!]);
    await cat.read(1, again);
    expect(again.piecesOfLast).toBeGreaterThan(1);
  });

  it('says which requested objects the repository lacks, and goes on with the rest', async () => {
    const cat = session();
    const recorder = new Recorder();
    cat.request([ids[0]!, absent, ids[3]!]);
    await cat.read(3, recorder);
    expect(recorder.objects.map((object) => object.toString())).toEqual([contents[0], 'missing', contents[3]]);
  });

  it('keeps output that arrives before a read asks for it, for the next read', async () => {
    const cat = session();
    cat.request(ids);
    const first = new Recorder();
    await cat.read(1, first);
    // Let git print everything else while no read is waiting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const rest = new Recorder();
    await cat.read(ids.length - 1, rest);
    expect([...first.objects, ...rest.objects].map((object) => object.toString())).toEqual(contents);
  });

  it('rejects a read when git stops, and stays broken with the reason', async () => {
    const notARepository = env.path('not-a-repository');
    env.write('not-a-repository/readme.txt', 'plain folder\n');
    const cat = new CatFileSession(notARepository, { keepsProcessAlive: true });
    sessions.push(cat);
    cat.request(ids);
    await expect(cat.read(1, new Recorder())).rejects.toThrow(/^git cat-file stopped early \(fatal: not a git repository/);
    expect(cat.brokenBy).toMatch(/not a git repository/);
    await expect(cat.read(1, new Recorder())).rejects.toThrow(/not a git repository/);
  });

  it('rejects a read with what the reader threw, and is broken afterwards', async () => {
    const cat = session();
    cat.request(ids);
    const failing: ObjectReader = {
      begin: () => undefined,
      piece: () => undefined,
      missing: () => undefined,
      end: () => {
        throw new Error('scan failed');
      },
    };
    await expect(cat.read(ids.length, failing)).rejects.toThrow('scan failed');
    expect(cat.brokenBy).toBe('scan failed');
  });
});

describe('scanGitBlobs, the worker\'s scan of a batch of blobs as git prints them', () => {
  const env = new ScanEnv('sprawl-scan-blobs-');
  afterAll(() => env.cleanup());
  const repo = new GitRepo(env.path('repo'));
  const ruleset = compileRuleset([matcherSpecOf(builtinRule('github.pat.classic'))]);
  const token = fakeMaker('scan-git-blobs').fake('github.pat.classic');
  const blob = (name: string, content: string) => {
    repo.write(name, content);
    return { id: repo.git('hash-object', '-w', name).trim(), path: name };
  };
  const withSecret = blob('config.env', `# settings\nTOKEN=${token}\n`);
  const pointer = blob('model.bin', 'version https://git-lfs.github.com/spec/v1\noid sha256:' + '0'.repeat(64) + '\nsize 12345\n');
  // The secret far into a blob several chunks long: found at its line, across chunk boundaries.
  const longLines = Array.from({ length: 60_000 }, (_, index) => `line ${index} of filler text`).join('\n');
  const long = blob('long.txt', `${longLines}\nTOKEN=${token}\n`);
  const absent = { id: 'e'.repeat(40), path: 'gone.txt' };

  it('scans each blob, reports pointers and missing blobs, in the order given', async () => {
    const cat = new CatFileSession(repo.root, { keepsProcessAlive: true });
    const items = [withSecret, pointer, absent, long];
    cat.request(items.map((item) => item.id));
    const outcomes = await scanGitBlobs(items, cat, ruleset);
    await cat.closeAndWait();
    expect(outcomes).toMatchObject([
      { id: withSecret.id, kind: 'scanned', matches: [{ secret: token, line: 2, column: 7 }] },
      { id: pointer.id, kind: 'skipped', reason: 'lfs-pointer' },
      { id: absent.id, kind: 'skipped', reason: 'unreadable', detail: `blob ${absent.id.slice(0, 12)} is missing from the repository` },
      { id: long.id, kind: 'scanned', matches: [{ secret: token, line: 60_001, column: 7 }] },
    ]);
  });

  it('counts the blobs after git stopped as unreadable, with the reason', async () => {
    const cat = new CatFileSession(env.path(), { keepsProcessAlive: true });
    const items = [withSecret, long];
    cat.request(items.map((item) => item.id));
    const outcomes = await scanGitBlobs(items, cat, ruleset);
    await cat.closeAndWait();
    expect(outcomes).toEqual(items.map((item) => ({ id: item.id, kind: 'skipped', reason: 'unreadable', detail: expect.stringMatching(/^git cat-file stopped early \(fatal: not a git repository/) })));
  });
});
