/**
 * `sprawl scan` end to end on real files: the built binary, the real worker pool, generated fakes.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../src/engine/chunked-scan.js';
import { listWorkingTree } from '../../src/sources/working-tree.js';
import type { ScanItem } from '../../src/sources/scan-item.js';
import { fakeMaker } from '../support/fakes.js';
import { runCli, ScanEnv, scanJson } from '../support/scan-env.js';

describe('sprawl scan of a working tree', () => {
  const env = new ScanEnv();
  const fakes = fakeMaker('scan-working-tree');
  const token = fakes.fake('github.pat.classic');
  const ignoredToken = fakes.fake('github.pat.classic');

  beforeAll(() => {
    env.write('config/app.env', `# app settings\nGITHUB_TOKEN=${token}\n`);
    env.write('src/deploy.py', `import os\n\nheaders = {"Authorization": "token ${token}"}\n`);
    env.write('docs/é-notes.md', `Ünïcödé line\n  use ${token} here\n`);
    env.write('.gitignore', 'build/\n');
    env.write('build/out.env', `GITHUB_TOKEN=${ignoredToken}\n`);
    env.write('nested/.gitignore', '*.log\n');
    env.write('nested/debug.log', `token=${ignoredToken}\n`);
    env.write('.sprawlignore', 'vendor/\n');
    env.write('vendor/lib.env', `GITHUB_TOKEN=${ignoredToken}\n`);
    env.write('excluded/x.env', `GITHUB_TOKEN=${ignoredToken}\n`);
    env.write('image.bin', Buffer.concat([Buffer.from([0x89, 0x50, 0x00, 0x00]), Buffer.from(`GITHUB_TOKEN=${ignoredToken}`)]));
    symlinkSync('.', env.path('loop'));
    // Git's own folder (and a submodule's `.git` file) are never entered, not even with --no-ignore.
    env.write('.git/config', `[remote "origin"]\n  url = https://x:${ignoredToken}@github.com/a/b\n`);
    env.write('module/.git', `gitdir: ../.git/modules/module\n# ${ignoredToken}\n`);
    // The clone's own ignore list, `.git/info/exclude`, counts like a .gitignore at the top.
    env.write('.git/info/exclude', '# local only\nscratch/\n');
    env.write('scratch/notes.env', `GITHUB_TOKEN=${ignoredToken}\n`);
  });
  afterAll(() => env.cleanup());

  it('reports the token once, with every place it occurs (the sprawl)', () => {
    const { exitCode, report } = scanJson([env.root, '--exclude', 'excluded/**']);
    expect(exitCode).toBe(1);
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding!.ruleId).toBe('github.pat.classic');
    expect(finding!.severity).toBe('critical');
    expect(finding!.lifetime).toBe('durable');
    expect(finding!.validation.status).toBe('valid');
    expect(finding!.sprawlCount).toBe(3);
    expect(finding!.occurrences.map(({ path, line, column, endColumn }) => ({ path, line, column, endColumn }))).toEqual([
      { path: 'config/app.env', line: 2, column: 14, endColumn: 14 + token.length },
      { path: 'docs/é-notes.md', line: 2, column: 7, endColumn: 7 + token.length },
      { path: 'src/deploy.py', line: 3, column: 36, endColumn: 36 + token.length },
    ]);
  });

  it('reports a single file by the path it was named by, from the folder it is scanned in, with that folder\'s config', () => {
    const place = (report: { findings: { occurrences: { path: string }[] }[] }) => report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => occurrence.path));
    expect(place(scanJson(['config/app.env'], { cwd: env.root }).report)).toEqual(['config/app.env']);
    expect(place(scanJson(['./src/../config/app.env'], { cwd: env.root }).report)).toEqual(['config/app.env']);
    // Outside the current folder, relative to its own folder (a path with `..` in a report helps nobody).
    expect(place(scanJson(['../config/app.env'], { cwd: env.path('src') }).report)).toEqual(['app.env']);
    expect(place(scanJson([env.path('config/app.env')], { cwd: env.path('src') }).report)).toEqual(['app.env']);
    // The project's config where the scan is run applies, as it does to `sprawl scan .`.
    const configured = new ScanEnv('sprawl-single-file-');
    try {
      configured.write('.sprawl.yml', 'fail_on: none\n');
      configured.write('deploy/prod.env', `GITHUB_TOKEN=${token}\n`);
      const result = scanJson(['deploy/prod.env'], { cwd: configured.root });
      expect(result.exitCode).toBe(0);
      expect(place(result.report)).toEqual(['deploy/prod.env']);
    } finally {
      configured.cleanup();
    }
  });

  it('honours nested .gitignore files, .git/info/exclude, .sprawlignore and --exclude; --no-ignore shows everything but .git', () => {
    const ignoring = scanJson([env.root, '--exclude', 'excluded/**']).report;
    const paths = ignoring.findings.flatMap((finding) => finding.occurrences.map((occurrence) => occurrence.path));
    expect(paths).not.toContain('scratch/notes.env');
    expect(paths).not.toContain('build/out.env');
    expect(paths).not.toContain('nested/debug.log');
    expect(paths).not.toContain('vendor/lib.env');
    expect(paths).not.toContain('excluded/x.env');

    const auditing = scanJson([env.root, '--no-ignore']).report;
    const auditPaths = auditing.findings.flatMap((finding) => finding.occurrences.map((occurrence) => occurrence.path)).sort();
    expect(auditPaths).toEqual(['build/out.env', 'config/app.env', 'docs/é-notes.md', 'excluded/x.env', 'nested/debug.log', 'scratch/notes.env', 'src/deploy.py', 'vendor/lib.env']);
  });

  it('counts binary files and symbolic links as skipped, by reason, in every format', () => {
    const { report } = scanJson([env.root]);
    expect(report.summary.skipped).toEqual({ binary: 1, symlink: 1 });
    expect(report.skipped).toEqual([
      { path: 'image.bin', reason: 'binary' },
      { path: 'loop', reason: 'symlink' },
    ]);
    const text = runCli(['scan', env.root, '--format', 'text']);
    expect(text.stdout).toMatch(/skipped: 1 binary, 1 symlink/);
    const sarif = JSON.parse(runCli(['scan', env.root, '--format', 'sarif']).stdout);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications.map((note: { message: { text: string } }) => note.message.text);
    expect(notes).toEqual(['image.bin: binary content (NUL bytes), not scanned', 'loop: symbolic link, not followed']);
  });

  it('never prints the raw value unless --show-secrets is given', () => {
    for (const format of ['text', 'json', 'sarif']) {
      const redacted = runCli(['scan', env.root, '--format', format, '--debug']);
      expect(redacted.exitCode).toBe(1);
      expect(redacted.stdout + redacted.stderr).not.toContain(token);
      expect(redacted.stdout + redacted.stderr).not.toContain(ignoredToken);
      const revealed = runCli(['scan', env.root, '--format', format, '--show-secrets']);
      expect(revealed.stdout).toContain(token);
    }
  });

  it('--fail-on decides the exit code', () => {
    expect(runCli(['scan', env.root, '--fail-on', 'critical', '--format', 'json']).exitCode).toBe(1);
    expect(runCli(['scan', env.root, '--fail-on', 'none', '--format', 'json']).exitCode).toBe(0);
  });
});

describe('--exclude globs', () => {
  const tree = new ScanEnv('sprawl-exclude-');
  for (const file of ['a.log', 'src/b.log', 'vendor/c.txt', 'vendor/sub/d.txt', 'src/x.min.js', 'src/deep/y.min.js', 'src/keep.js', 'logs/z.log']) tree.write(file, 'hi\n');
  afterAll(() => tree.cleanup());

  async function listed(exclude: string[]): Promise<string[]> {
    const ids: string[] = [];
    for await (const folder of listWorkingTree(tree.root, { exclude }).items) ids.push(...folder.map((item) => item.id));
    return ids.sort();
  }

  it('are anchored at the scan root: *.log is the root folder\'s logs, **/*.log every log, a folder name all below it', async () => {
    expect(await listed(['*.log'])).toEqual(['logs/z.log', 'src/b.log', 'src/deep/y.min.js', 'src/keep.js', 'src/x.min.js', 'vendor/c.txt', 'vendor/sub/d.txt']);
    expect(await listed(['**/*.log'])).toEqual(['src/deep/y.min.js', 'src/keep.js', 'src/x.min.js', 'vendor/c.txt', 'vendor/sub/d.txt']);
    const withoutVendor = ['a.log', 'logs/z.log', 'src/b.log', 'src/deep/y.min.js', 'src/keep.js', 'src/x.min.js'];
    expect(await listed(['vendor'])).toEqual(withoutVendor);
    expect(await listed(['vendor/**'])).toEqual(withoutVendor);
    expect(await listed(['**/*.min.js', 'src/deep'])).toEqual(['a.log', 'logs/z.log', 'src/b.log', 'src/keep.js', 'vendor/c.txt', 'vendor/sub/d.txt']);
  });
});

describe('the walk is pulled by the scan', () => {
  it('lists a folder only once the files before it are taken, so memory does not hold the tree', async () => {
    const tree = new ScanEnv('sprawl-pulled-');
    try {
      tree.write('a/one.txt', '');
      tree.write('b/two.txt', '');
      const iterator = listWorkingTree(tree.root).items[Symbol.asyncIterator]();
      expect((await iterator.next()).value?.map((item: ScanItem) => item.id)).toEqual(['a/one.txt']);
      // Folder b has not been listed yet: a file written now is still seen. An eager walk has listed it already.
      tree.write('b/three.txt', '');
      const rest: string[] = [];
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(...next.value.map((item) => item.id));
      expect(rest.sort()).toEqual(['b/three.txt', 'b/two.txt']);
    } finally {
      tree.cleanup();
    }
  });

  it('counts a folder it could not list as unreadable, with the reason, and lists the rest', async () => {
    const tree = new ScanEnv('sprawl-vanishing-');
    try {
      tree.write('a/one.txt', '');
      tree.write('b/two.txt', '');
      tree.write('c/three.txt', '');
      const listing = listWorkingTree(tree.root);
      const iterator = listing.items[Symbol.asyncIterator]();
      expect((await iterator.next()).value?.map((item: ScanItem) => item.id)).toEqual(['a/one.txt']);
      // Gone between being seen in its parent and being listed, as on a tree that changes under the scan.
      rmSync(tree.path('b'), { recursive: true });
      const rest: string[] = [];
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(...next.value.map((item) => item.id));
      expect(rest).toEqual(['c/three.txt']);
      expect(listing.skipped).toEqual([{ path: 'b', reason: 'unreadable', detail: 'ENOENT' }]);
    } finally {
      tree.cleanup();
    }
  });

  it('lists every file of a wide and deep tree, each once', async () => {
    const wide = new ScanEnv('sprawl-wide-');
    try {
      const expected: string[] = [];
      for (let folder = 0; folder < 12; folder++) {
        for (let file = 0; file < 300; file++) expected.push(`f${folder}/x${file}.txt`);
        expected.push(`f${folder}/deep/er/still${folder}.txt`);
      }
      for (const file of expected) wide.write(file, '');
      const listed: string[] = [];
      for await (const folder of listWorkingTree(wide.root).items) listed.push(...folder.map((item) => item.id));
      expect(listed.sort()).toEqual(expected.sort());
    } finally {
      wide.cleanup();
    }
  });
});

describe('file names that are not valid UTF-8', () => {
  // Linux allows any bytes in a name (a file named in Latin-1); read as text, they come out with U+FFFD,
  // which names no file: such files were counted as unreadable (ENOENT) and their secrets missed.
  const tree = new ScanEnv('sprawl-bytes-names-');
  afterAll(() => tree.cleanup());
  const token = fakeMaker('not-utf8-names').fake('github.pat.classic');
  const latin1 = (name: string) => Buffer.from(name, 'latin1');
  const write = (parts: Buffer[], content: string) => writeFileSync(Buffer.concat([Buffer.from(`${tree.root}/`), ...parts]), content);
  mkdirSync(Buffer.concat([Buffer.from(`${tree.root}/`), latin1('caf\xe9')]));
  write([latin1('r\xe9sum\xe9.env')], `TOKEN=${token}\n`);
  write([latin1('caf\xe9'), Buffer.from('/inner.env')], `TOKEN=${token}\n`);
  write([latin1('caf\xe9'), Buffer.from('/.gitignore')], 'hidden.env\n');
  write([latin1('caf\xe9'), Buffer.from('/hidden.env')], `TOKEN=${token}\n`);

  it('are read by their bytes, also inside a folder so named, whose ignore file is honoured', () => {
    for (const threads of ['1', '2']) {
      const { exitCode, report } = scanJson([tree.root, '--threads', threads]);
      expect(exitCode).toBe(1);
      expect(report.skipped).toEqual([]);
      expect(report.summary.filesScanned).toBe(3);
      expect(report.findings.flatMap((finding) => finding.occurrences.map((occurrence) => occurrence.path)).sort()).toEqual(['caf\uFFFD/inner.env', 'r\uFFFDsum\uFFFD.env']);
    }
  });
});

describe('UTF-16 text (a byte-order mark, then a NUL in every other byte)', () => {
  const env = new ScanEnv();
  const fakes = fakeMaker('utf-16');
  afterAll(() => env.cleanup());

  const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const utf16be = (text: string) => {
    const bytes = Buffer.from(text, 'utf16le');
    for (let index = 0; index < bytes.length; index += 2) [bytes[index], bytes[index + 1]] = [bytes[index + 1]!, bytes[index]!];
    return Buffer.concat([Buffer.from([0xfe, 0xff]), bytes]);
  };

  it('is decoded and scanned, with the lines and columns of its text, in either byte order', () => {
    const token = fakes.fake('github.pat.classic');
    const script = `# deploy.ps1\r\nWrite-Host "Ünïcödé"\r\n$token = "${token}"\r\n`;
    env.write('windows/deploy.ps1', utf16le(script));
    env.write('windows/deploy-be.ps1', utf16be(script));
    const { report } = scanJson([env.path('windows')]);
    expect(report.summary.skipped).toEqual({});
    expect(report.findings.flatMap((finding) => finding.occurrences).map((o) => [o.path, o.line, o.column])).toEqual([
      ['deploy-be.ps1', 3, 11],
      ['deploy.ps1', 3, 11],
    ]);
  });

  it('counts columns after a byte-order mark, in UTF-8 as in UTF-16, and shows no mark in the snippet', () => {
    const token = fakes.fake('github.pat.classic');
    const text = `T=${token}\nT=${token}\n`;
    env.write('marked/utf8.env', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    env.write('marked/utf16.env', utf16le(text));
    const { report } = scanJson([env.path('marked')]);
    const occurrences = report.findings.flatMap((finding) => finding.occurrences);
    expect(occurrences.map((o) => [o.path, o.line, o.column]).sort()).toEqual([
      ['utf16.env', 1, 3],
      ['utf16.env', 2, 3],
      ['utf8.env', 1, 3],
      ['utf8.env', 2, 3],
    ]);
    expect(occurrences.every((o: any) => !o.snippet.includes('\ufeff'))).toBe(true);
  });

  it('is decoded across chunk boundaries, with the line numbers right', () => {
    const tokens = [fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic')];
    const filler = 'Set-Variable -Name x -Value 1\r\n'.repeat(Math.ceil((0.7 * CHUNK_BYTES) / 31));
    const lineCount = (text: string) => text.split('\n').length - 1;
    // In UTF-16 each character is two bytes: the first token sits past the first chunk's end.
    const text = `${filler}$a = "${tokens[0]}"\r\n${filler}$b = "${tokens[1]}"\r\n`;
    env.write('big/export.ps1', utf16le(text));
    const { report } = scanJson([env.path('big')]);
    const lines = report.findings.flatMap((finding) => finding.occurrences).map((o) => o.line).sort((a, b) => a - b);
    expect(lines).toEqual([lineCount(filler) + 1, 2 * lineCount(filler) + 2]);
  });

  it('is told from binary content and from Latin-1 text that opens with the same two bytes', () => {
    const token = fakes.fake('github.pat.classic');
    env.write('other/latin1.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`caf\xe9\nGITHUB_TOKEN=${token}\n`, 'latin1')]));
    env.write('other/image.bin', Buffer.concat([Buffer.from([0x89, 0x50, 0x00, 0x00]), utf16le(`GITHUB_TOKEN=${token}`)]));
    const { report } = scanJson([env.path('other')]);
    expect(report.findings.flatMap((finding) => finding.occurrences).map((o) => [o.path, o.line])).toEqual([['latin1.txt', 2]]);
    expect(report.summary.skipped).toEqual({ binary: 1 });
  });
});

describe('gzip-compressed files (a database dump, a backup)', () => {
  const env = new ScanEnv();
  const fakes = fakeMaker('gzip');
  afterAll(() => env.cleanup());

  it('are decompressed and scanned, with the lines of the decompressed text, through the worker pool too', () => {
    const token = fakes.fake('github.pat.classic');
    const other = fakes.fake('github.pat.classic');
    env.write('dumps/backup.sql.gz', gzipSync(`-- dump\nINSERT INTO settings VALUES ('github', '${token}');\n`));
    // Compressed, a single chunk; decompressed, several: the token is on the last line.
    const rows = Array.from({ length: 60_000 }, (_, index) => `INSERT INTO items VALUES (${index}, 'item number ${index}');`);
    env.write('dumps/big.sql.gz', gzipSync(`${rows.join('\n')}\nINSERT INTO settings VALUES ('github', '${other}');\n`));
    const { report } = scanJson([env.path('dumps'), '--threads', '2']);
    expect(report.summary.skipped).toEqual({});
    expect(report.findings.flatMap((finding) => finding.occurrences).map((o) => [o.path, o.line, o.column]).sort()).toEqual([
      ['backup.sql.gz', 2, 41],
      ['big.sql.gz', rows.length + 1, 41],
    ]);
  });

  it('that decompress too far, are not gzip after all, or hold binary content, are counted as binary with the reason', () => {
    const token = fakes.fake('github.pat.classic');
    env.write('odd/bomb.gz', gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x61)));
    env.write('odd/cut.gz', gzipSync(`GITHUB_TOKEN=${token}\n`).subarray(0, 20));
    env.write('odd/package.tgz', gzipSync(Buffer.concat([Buffer.from('package/.env'), Buffer.alloc(500), Buffer.from(`GITHUB_TOKEN=${token}\n`)])));
    const { report } = scanJson([env.path('odd')]);
    expect(report.findings).toEqual([]);
    expect(report.skipped).toEqual([
      { path: 'bomb.gz', reason: 'binary', detail: expect.stringContaining('decompresses to more than 64 MB') },
      { path: 'cut.gz', reason: 'binary', detail: 'gzip-compressed, but not valid gzip' },
      { path: 'package.tgz', reason: 'binary', detail: 'gzip-compressed binary content' },
    ]);
  });
});

describe('inline allow comments', () => {
  const env = new ScanEnv();
  const fakes = fakeMaker('allow-comments');
  afterAll(() => env.cleanup());

  it('suppress the line, keep the finding visible as allowed, and do not fail the run', () => {
    const token = fakes.fake('github.pat.classic');
    env.write('fixture.ts', `const token = '${token}'; // sprawl:allow test fixture for the client\n`);
    const { exitCode, report } = scanJson([env.root]);
    expect(exitCode).toBe(0);
    expect(report.summary).toMatchObject({ findings: 0, suppressed: 1 });
    expect(report.findings[0]!.occurrences[0]!.allowed).toEqual({ reason: 'test fixture for the client' });
    const audit = scanJson([env.root, '--no-ignore']);
    expect(audit.exitCode).toBe(1);
  });

  it('do not reach other lines', () => {
    const token = fakes.fake('github.pat.classic');
    env.write('two-lines.ts', `// sprawl:allow\nconst token = '${token}';\n`);
    const { report } = scanJson([env.path('two-lines.ts')]);
    expect(report.summary.findings).toBe(1);
  });
});

describe('the text report in a terminal', () => {
  const env = new ScanEnv();
  const fakes = fakeMaker('terminal-safety');
  afterAll(() => env.cleanup());

  it('shows control characters from names and content as U+FFFD: a file cannot colour or clear the screen', () => {
    const token = fakes.fake('github.pat.classic');
    // A log line with colour codes, in a file whose name holds an escape sequence too.
    env.write('logs/\u001b[31mred.log', `\u001b[32mINFO\u001b[0m GITHUB_TOKEN=${token} \u001b[2J\n`);
    const { exitCode, stdout } = runCli(['scan', env.root]);
    expect(exitCode).toBe(1);
    expect(stdout).not.toContain('\u001b');
    expect(stdout).toContain('logs/\ufffd[31mred.log:1:');
    expect(stdout).toContain('\ufffd[32mINFO\ufffd[0m GITHUB_TOKEN=');
  });
});

describe('Kubernetes Secret manifests', () => {
  // Every value of a Secret is judged in YAML and JSON (the pattern rules saw only the first key under
  // `data:`); elsewhere (Markdown) the pattern rules still report what they see.
  const env = new ScanEnv();
  const fakes = fakeMaker('kubernetes-secrets');
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const token = fakes.fake('github.pat.classic');
  // A password of 16 random characters, made at test time (the repository holds no key-shaped strings).
  const password = fakes.fake('github.pat.classic').slice(4, 20);
  const host = base64('postgres.default.svc.cluster.local');
  env.write('k8s/app.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  host: ${host}\n  username: ${base64('admin')}\n  password: ${base64(password)}\n  token: ${base64(token)}\n`);
  env.write('k8s/only-host.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  host: ${host}\n`);
  env.write('docs/secret.md', `Example:\n\nkind: Secret\ndata:\n  password: ${base64(password)}\n`);
  // A Helm template: the Secret's placeholders do not parse as YAML (the ConfigMap before it does), so
  // the pattern rules keep the file.
  env.write('chart/secret.yaml', `apiVersion: v1\nkind: ConfigMap\ndata:\n  mode: fast\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {{- include "labels" . | nindent 4 }}\ndata:\n  password: ${base64(password)}\n`);
  afterAll(() => env.cleanup());

  it('reports each secret value of a Secret in YAML, and leaves out its host and username', () => {
    const { report } = scanJson([env.path('k8s')]);
    const found = report.findings.flatMap((finding: any) => finding.occurrences.map((o: any) => [finding.ruleId, o.path, o.line]));
    expect(found.sort()).toEqual([
      ['kubernetes.secret-manifest', 'app.yaml', 8],
      ['kubernetes.secret-manifest', 'app.yaml', 9],
    ]);
  });

  it('reports a Secret saved as UTF-16 (PowerShell 5), and one in a dump of several megabytes, by the pattern rules', () => {
    const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  token: ${base64(token)}\n`;
    env.write('k8s-utf16/app.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(manifest, 'utf16le')]));
    env.write('k8s-large/all.yaml', `apiVersion: v1\nkind: List\nitems:\n${'- apiVersion: v1\n  kind: ConfigMap\n  data:\n    note: filler\n'.repeat(40_000)}- ${manifest.replace(/\n(?=.)/g, '\n  ')}`);
    // Both are left to the pattern rules: UTF-16 they read decoded, and a file past 1 MiB within their bounds.
    for (const [folder, found] of [['k8s-utf16', 'kubernetes.secret-manifest.in-text:6'], ['k8s-large', 'kubernetes.secret-manifest.in-text:160009']] as const) {
      const { report } = scanJson([env.path(folder)]);
      expect(report.findings.flatMap((finding: any) => finding.occurrences.map((o: any) => `${finding.ruleId}:${o.line}`))).toEqual([found]);
    }
  });

  it('still reports a Secret written in Markdown, or in a template that does not parse, where only the pattern reads it', () => {
    for (const folder of ['docs', 'chart']) {
      const { report } = scanJson([env.path(folder)]);
      expect(report.findings.map((finding: any) => finding.ruleId)).toEqual(['kubernetes.secret-manifest.in-text']);
    }
  });
});
