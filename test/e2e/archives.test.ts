/**
 * Archives end to end: zip (and the jar and war built on it) and tar, plain or gzip-compressed, nested,
 * in the working tree, in git history and in a staged commit, through the built CLI and its real worker
 * pool. The archives are made here, with the same libraries sprawl reads them with and with tar's own
 * writer, around generated fakes.
 */
import AdmZip from 'adm-zip';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachArchiveEntry, ZIP_MAX_ENTRIES, type ArchiveEntry } from '../../src/engine/archive-entries.js';
import { fakeMaker } from '../support/fakes.js';
import { GitRepo, GitScanEnv, ISOLATED_GIT_ENV, trackedEnvs } from '../support/git-repo.js';
import { multitoolProblems, schemaErrors } from '../support/sarif-validation.js';
import { runCli, ScanEnv, scanJson } from '../support/scan-env.js';

function zipOf(files: Record<string, string | Buffer>): Buffer {
  const zip = new AdmZip();
  for (const [name, content] of Object.entries(files)) zip.addFile(name, Buffer.isBuffer(content) ? content : Buffer.from(content));
  return zip.toBuffer();
}

/** A tar of `files` (or of the folder `prepare` fills), written by node-tar in a temp dir of its own; gzip-compressed when asked. */
function tarOf(files: Record<string, string>, gzip: boolean, prepare: (folder: string) => void = () => undefined): Buffer {
  const scratch = new ScanEnv('sprawl-tar-scratch-');
  try {
    for (const [name, content] of Object.entries(files)) scratch.write(`tree/${name}`, content);
    mkdirSync(scratch.path('tree'), { recursive: true });
    prepare(scratch.path('tree'));
    createTar({ sync: true, gzip, file: scratch.path('out.tar'), cwd: scratch.path('tree'), portable: true }, ['.']);
    return readFileSync(scratch.path('out.tar'));
  } finally {
    scratch.cleanup();
  }
}

/** Sets the "encrypted" bit of every entry's flags, in its local and central headers. */
function markEncrypted(zip: Buffer): Buffer {
  const marked = Buffer.from(zip);
  for (let at = marked.indexOf('PK\x03\x04', 0, 'latin1'); at >= 0; at = marked.indexOf('PK\x03\x04', at + 4, 'latin1')) marked[at + 6]! |= 1;
  for (let at = marked.indexOf('PK\x01\x02', 0, 'latin1'); at >= 0; at = marked.indexOf('PK\x01\x02', at + 4, 'latin1')) marked[at + 8]! |= 1;
  return marked;
}

/** Rewrites every entry's declared uncompressed size: a zip bomb's headers say little. */
function withDeclaredSize(zip: Buffer, size: number): Buffer {
  const lying = Buffer.from(zip);
  for (let at = lying.indexOf('PK\x03\x04', 0, 'latin1'); at >= 0; at = lying.indexOf('PK\x03\x04', at + 4, 'latin1')) lying.writeUInt32LE(size, at + 22);
  for (let at = lying.indexOf('PK\x01\x02', 0, 'latin1'); at >= 0; at = lying.indexOf('PK\x01\x02', at + 4, 'latin1')) lying.writeUInt32LE(size, at + 24);
  return lying;
}

describe('archives in a working tree', () => {
  const env = new ScanEnv('sprawl-archives-');
  const fakes = fakeMaker('archives');
  const token = fakes.fake('github.pat.classic');
  const otherToken = fakes.fake('github.pat.classic');
  const properties = `server.port=8080\ngithub.token=${token}\n`;

  beforeAll(() => {
    // A war holding a jar holding the configuration: two levels of archive.
    const classFile = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x41]);
    const jar = zipOf({ 'BOOT-INF/classes/application.properties': properties, 'com/example/App.class': classFile, 'com/example/Config.class': classFile });
    env.write('deploy/app.war', zipOf({ 'WEB-INF/lib/app.jar': jar, 'index.html': '<html></html>\n', 'favicon.ico': Buffer.from([0, 0, 1, 0]) }));
    env.write('dist/release.tar.gz', tarOf({ 'etc/.env': `# release\nTOKEN=${token}\n` }, true));
    env.write('dist/plain.tar', tarOf({ 'notes.txt': `use ${otherToken}\n` }, false));
    env.write('broken/truncated.zip', zipOf({ 'a.txt': `x ${otherToken}\n` }).subarray(0, 40));
    env.write('locked/secrets.zip', markEncrypted(zipOf({ 'vault.txt': `TOKEN=${otherToken}\n` })));
  });
  afterAll(() => env.cleanup());

  it('finds a token inside nested archives and a tarball, at its line in the file that holds it', () => {
    const { exitCode, report } = scanJson([env.root]);
    expect(exitCode).toBe(1);
    const finding = report.findings.find((candidate) => candidate.sprawlCount === 2)!;
    expect(finding.ruleId).toBe('github.pat.classic');
    expect(finding.occurrences.map(({ path, entry, line, column }) => ({ path, entry, line, column }))).toEqual([
      { path: 'deploy/app.war', entry: 'WEB-INF/lib/app.jar!BOOT-INF/classes/application.properties', line: 2, column: 14 },
      { path: 'dist/release.tar.gz', entry: './etc/.env', line: 2, column: 7 },
    ]);
    const other = report.findings.filter((candidate) => candidate !== finding);
    expect(other.flatMap((candidate) => candidate.occurrences.map(({ path, entry }) => `${path}!${entry}`))).toEqual(['dist/plain.tar!./notes.txt']);
  });

  it('names what it could not unpack, and counts the binary files inside as binary', () => {
    const { report } = scanJson([env.root]);
    const skipped = report.skipped.map(({ path, reason, detail }) => ({ path, reason, detail }));
    expect(skipped).toContainEqual({ path: 'locked/secrets.zip!vault.txt', reason: 'unreadable', detail: 'encrypted' });
    // Binary files inside are counted per archive (a jar holds thousands of class files), not listed.
    expect(report.skipped).toContainEqual({ path: 'deploy/app.war!*', reason: 'binary', detail: '3 files inside the archive', count: 3 });
    expect(report.summary.skipped.binary).toBe(4);
    const broken = skipped.find((entry) => entry.path === 'broken/truncated.zip')!;
    expect(broken.reason).toBe('binary');
    expect(broken.detail).toMatch(/^a zip archive, but not a readable zip archive/);
  });

  it('shows the place inside the archive in the text report, and names the encrypted entry', () => {
    const { stdout } = runCli(['scan', env.root]);
    expect(stdout).toContain('deploy/app.war!WEB-INF/lib/app.jar!BOOT-INF/classes/application.properties:2:14');
    expect(stdout).toContain('locked/secrets.zip!vault.txt: could not be read (encrypted)');
  });

  it('leaves out files inside an archive that --exclude names, the archive counting as a folder', () => {
    const { report } = scanJson([env.root, '--exclude', '**/BOOT-INF/**']);
    const places = report.findings.flatMap((finding) => finding.occurrences.map(({ path, entry }) => `${path}!${entry}`));
    expect(places).not.toContain('deploy/app.war!WEB-INF/lib/app.jar!BOOT-INF/classes/application.properties');
    expect(places).toContain('dist/release.tar.gz!./etc/.env');
    const outsideTar = scanJson([env.root, '--exclude', 'dist/release.tar.gz/etc/**']).report;
    expect(outsideTar.findings.flatMap((finding) => finding.occurrences.map(({ path }) => path))).not.toContain('dist/release.tar.gz');
  });

  it('unpacks only as deep as --archive-depth, and none with 0', () => {
    const shallow = scanJson([env.root, '--archive-depth', '1']).report;
    expect(shallow.skipped).toContainEqual({ path: 'deploy/app.war!WEB-INF/lib/app.jar', reason: 'binary', detail: 'a zip archive, nested 1 deep, past --archive-depth 1' });
    expect(shallow.findings.flatMap((finding) => finding.occurrences.map((occurrence) => occurrence.path))).not.toContain('deploy/app.war');
    const none = scanJson([env.root, '--archive-depth', '0']);
    expect(none.exitCode).toBe(0);
    expect(none.report.skipped).toContainEqual({ path: 'deploy/app.war', reason: 'binary', detail: 'a zip archive, not unpacked (--archive-depth 0)' });
  });

  it('reports it in SARIF at the archive, with the entry and its line in the message, valid for GitHub', () => {
    const { stdout } = runCli(['scan', env.root, '--format', 'sarif']);
    const sarif = JSON.parse(stdout);
    expect(schemaErrors(sarif)).toEqual([]);
    expect(multitoolProblems(stdout)).toEqual([]);
    const result = sarif.runs[0].results.find((candidate: any) => candidate.locations[0].physicalLocation.artifactLocation.uri === 'deploy/app.war');
    expect(result.locations[0].physicalLocation.region).toEqual({ startLine: 1 });
    expect(result.message.text).toContain('Found in WEB-INF/lib/app.jar!BOOT-INF/classes/application.properties, line 2, inside this archive.');
    expect(result.properties.archiveEntry).toEqual({ path: 'WEB-INF/lib/app.jar!BOOT-INF/classes/application.properties', line: 2, column: 14 });
    expect(stdout).not.toContain(token);
  });
});

describe('agent configuration inside an archive', () => {
  const env = new ScanEnv('sprawl-archive-mcp-');
  const fakes = fakeMaker('archive-mcp');
  afterAll(() => env.cleanup());

  it('is judged by its structural detector, by its path in the archive', () => {
    const key = fakes.fake('agent.mcp-literal-credential');
    const config = { mcpServers: { search: { command: 'npx', args: ['-y', 'search-mcp'], env: { SEARCH_API_KEY: key } } } };
    env.write('backup/workspace.zip', zipOf({ 'project/.mcp.json': JSON.stringify(config, null, 2) }));
    const { report } = scanJson([env.root]);
    expect(report.findings.map((finding) => `${finding.ruleId} ${finding.occurrences.map((occurrence) => `${occurrence.path}!${occurrence.entry}:${occurrence.line}`).join(' ')}`)).toEqual([
      'agent.mcp-literal-credential backup/workspace.zip!project/.mcp.json:10',
    ]);
    expect(report.findings[0]!.attributes).toEqual({ mcpServer: 'search', field: 'env.SEARCH_API_KEY' });
  });
});

describe('archive bounds', () => {
  const env = new ScanEnv('sprawl-archive-bounds-');
  const fakes = fakeMaker('archive-bounds');
  const token = fakes.fake('github.pat.classic');
  afterAll(() => env.cleanup());

  it('stops an entry that decompresses past its bound, whatever its header says, and scans the rest', () => {
    const bomb = Buffer.alloc(40 * 1024 * 1024, 0x61);
    env.write('bomb.zip', withDeclaredSize(zipOf({ 'a.txt': bomb, 'b.env': `TOKEN=${token}\n` }), 100));
    const { report } = scanJson([env.root]);
    expect(report.skipped).toContainEqual({ path: 'bomb.zip!a.txt', reason: 'unreadable', detail: 'decompresses to more than 32 MB' });
    expect(report.findings.flatMap((finding) => finding.occurrences.map(({ path, entry }) => `${path}!${entry}`))).toEqual(['bomb.zip!b.env']);
  });
});

describe('gzip within gzip', () => {
  const env = new ScanEnv('sprawl-gzip-chain-');
  const fakes = fakeMaker('gzip-chain');
  afterAll(() => env.cleanup());

  it('is decompressed level by level, and a chain deeper than --archive-depth ends there without exhausting the stack', () => {
    const token = fakes.fake('github.pat.classic');
    const line = Buffer.from(`GITHUB_TOKEN=${token}\n`);
    env.write('twice.gz', gzipSync(gzipSync(line)));
    // Twenty thousand levels, each stored (level 0): a recursion without end would overflow the stack.
    let deep: Buffer = line;
    for (let level = 0; level < 20_000; level++) deep = gzipSync(deep, { level: 0 });
    env.write('deep.gz', deep);
    const { report } = scanJson([env.root]);
    expect(report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => occurrence.path))).toEqual(['twice.gz']);
    expect(report.skipped).toEqual([{ path: 'deep.gz', reason: 'binary', detail: 'gzip-compressed, nested 4 deep, past --archive-depth 3' }]);
  });
});

describe('the unpacking budget', () => {
  const env = new ScanEnv('sprawl-archive-budget-');
  const fakes = fakeMaker('archive-budget');
  afterAll(() => env.cleanup());

  it('is shared by an input and every archive inside it: a zip of zips stops at 256 MB in all, and says where', () => {
    const token = fakes.fake('github.pat.classic');
    const filler = Buffer.alloc(30 * 1024 * 1024, 0x61);
    // Three zips of three 30 MB files: 270 MB in all, each zip well within bounds of its own.
    const inner = (last: boolean) => zipOf({ '1.txt': filler, '2.txt': filler, '3.txt': filler, ...(last ? { 'token.env': `TOKEN=${token}\n` } : {}) });
    env.write('outer.zip', zipOf({ 'a.zip': inner(false), 'b.zip': inner(false), 'c.zip': inner(true) }));
    const { report } = scanJson([env.root]);
    expect(report.skipped).toEqual([{ path: 'outer.zip!c.zip!3.txt', reason: 'unreadable', detail: 'past the first 256 MB unpacked from this file and the archives in it' }]);
    // What fits is still scanned, after the file that did not.
    expect(report.findings.flatMap((finding) => finding.occurrences.map(({ path, entry }) => `${path}!${entry}`))).toEqual(['outer.zip!c.zip!token.env']);
  });
});

describe('archives too large for memory', () => {
  const env = new ScanEnv('sprawl-archive-many-');
  afterAll(() => env.cleanup());

  it('does not open a zip that lists more files than a worker can hold open, and says so', () => {
    const files: Record<string, string> = {};
    for (let index = 0; index <= ZIP_MAX_ENTRIES; index++) files[`f/${index}.txt`] = 'x';
    env.write('many.zip', zipOf(files));
    const { report } = scanJson([env.root]);
    expect(report.skipped).toEqual([{ path: 'many.zip', reason: 'binary', detail: `a zip archive, but it lists more than ${ZIP_MAX_ENTRIES} files, too many to unpack` }]);
  });

  it('counts a large binary file inside as binary from its opening, without unpacking it', () => {
    // 40 MB that compress to little, past the 32 MB an entry may unpack to: binary, not "too large".
    const library = Buffer.alloc(40 * 1024 * 1024, 0);
    library.write('\x7fELF', 0, 'latin1');
    env.write('wheel.whl', zipOf({ 'pkg/_native.so': library, 'pkg/__init__.py': 'VERSION = "1.0"\n' }));
    const { report } = scanJson([env.path('wheel.whl')]);
    expect(report.skipped).toEqual([{ path: 'wheel.whl!*', reason: 'binary', detail: '1 file inside the archive' }]);
  });
});

describe('the archive reader', () => {
  it('passes over folders and links in a tar and yields every file after them', () => {
    const tar = tarOf({ 'a/b/one.txt': 'one\n', 'two.txt': 'two\n' }, false, (folder) => symlinkSync('one.txt', path.join(folder, 'a/b/link')));
    const entries: ArchiveEntry[] = [];
    forEachArchiveEntry('tar', tar, (entry) => entries.push(entry));
    expect(entries.map((entry) => [entry.name, entry.bytes?.toString()]).sort()).toEqual([
      ['./a/b/one.txt', 'one\n'],
      ['./two.txt', 'two\n'],
    ]);
  });
});

describe('the archive reader on hostile archives', () => {
  it('keeps a name as the archive wrote it; the text report shows its control characters as U+FFFD', () => {
    const env = new ScanEnv('sprawl-archive-names-');
    try {
      const name = 'evil\u001b[31mred\nname.env';
      const names: string[] = [];
      const zip = zipOf({ [name]: `TOKEN=${fakeMaker('archive-names').fake('github.pat.classic')}\n` });
      forEachArchiveEntry('zip', zip, (entry) => names.push(entry.name));
      expect(names).toEqual([name]);
      env.write('names.zip', zip);
      const { stdout } = runCli(['scan', env.root]);
      expect(stdout).not.toContain('\u001b');
      expect(stdout).toContain('names.zip!evil\ufffd[31mred\ufffdname.env:1:7');
    } finally {
      env.cleanup();
    }
  });

  it('scans a tar cut short as far as it goes, and names the file it ends inside', () => {
    const tar = tarOf({ 'a.env': 'A=1\n', 'b.env': `B=${'x'.repeat(5000)}\n` }, false);
    // Cut inside b.env's data: headers and data come in blocks of 512 bytes.
    const cut = tar.subarray(0, 512 * 5);
    const entries: ArchiveEntry[] = [];
    forEachArchiveEntry('tar', cut, (entry) => entries.push(entry));
    expect(entries.filter((entry) => entry.problem !== undefined)).toEqual([{ name: './b.env', problem: 'cut short: the archive ends inside this file, which was scanned as far as it goes' }]);
    expect(entries.find((entry) => entry.name === './a.env')?.bytes?.toString()).toBe('A=1\n');
  });
});

describe('archives in git history and in a staged commit', () => {
  const fakes = fakeMaker('archives-git');
  const token = fakes.fake('github.pat.classic');
  const newEnv = trackedEnvs(() => new ScanEnv('sprawl-archives-git-'));

  it('finds a token in a jar that was committed and later deleted, as history only', () => {
    const repo = new GitRepo(newEnv().path('repo'));
    repo.write('README.md', '# app\n').write('lib/app.jar', zipOf({ 'config/app.yml': `github:\n  token: ${token}\n` }));
    const added = repo.commit('add the build output', '2024-03-01T10:00:00Z');
    // A second version beside the first: versions of a text file are compared, an archive's are unpacked.
    repo.write('lib/app.jar', zipOf({ 'config/app.yml': `github:\n  token: ${token}\n  retries: 3\n` }));
    const rebuilt = repo.commit('rebuild', '2024-03-02T10:00:00Z');
    repo.remove('lib/app.jar');
    const removed = repo.commit('remove the build output', '2024-03-05T10:00:00Z');
    const result = runCli(['git', repo.root, '--format', 'json']);
    expect(result.exitCode).toBe(1);
    const [finding] = JSON.parse(result.stdout).findings;
    expect(finding.occurrences.map(({ path, entry, line, column }: any) => ({ path, entry, line, column }))).toEqual([{ path: 'lib/app.jar', entry: 'config/app.yml', line: 2, column: 10 }]);
    expect(finding.exposure).toMatchObject({ firstCommit: { id: added, path: 'lib/app.jar' }, lastCommitId: rebuilt, removedIn: { id: removed }, atHead: false, daysExposed: 4 });
  });

  it('blocks a commit that stages a zip holding a token, naming the file inside it', () => {
    const env = new GitScanEnv('sprawl-archives-staged-');
    try {
      env.stage('bundle.zip', zipOf({ 'settings/.env': `# local\nGITHUB_TOKEN=${token}\n` }));
      const result = runCli(['staged'], { cwd: env.root, env: ISOLATED_GIT_ENV });
      expect(result.exitCode).toBe(1);
      expect(result.stdout + result.stderr).toContain('bundle.zip!settings/.env:2:14');
    } finally {
      env.cleanup();
    }
  });
});
