/**
 * `sprawl git` on real repositories built with real git: secrets added, moved, deleted, on side branches,
 * in tags, in merges and in commit messages, with exact first/last commits and at-HEAD flags.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_VALUES_PER_RULE } from '../../src/engine/match-limit.js';
import { fakeMaker } from '../support/fakes.js';
import { GitRepo } from '../support/git-repo.js';
import { CLI_PATH, runCli, ScanEnv } from '../support/scan-env.js';

const env = new ScanEnv('sprawl-git-');
const fakes = fakeMaker('git-history');
afterAll(() => env.cleanup());

function scanGit(args: string[], options: { env?: Record<string, string> } = {}) {
  const result = runCli(['git', ...args, '--format', 'json'], options);
  if (result.exitCode > 1 || result.exitCode < 0) throw new Error(`sprawl git failed (${result.exitCode}): ${result.stderr}`);
  return { ...result, report: JSON.parse(result.stdout) };
}

describe('a secret added, renamed and deleted', () => {
  const repo = new GitRepo(env.path('moved'));
  const token = fakes.fake('github.pat.classic');
  repo.write('README.md', '# app\n').commit('init', '2024-01-01T00:00:00Z');
  const added = repo.write('config/app.env', `# settings\nGITHUB_TOKEN=${token}\n`).commit('add config', '2024-02-01T00:00:00Z', 'alice');
  repo.git('mv', 'config/app.env', 'config/prod.env');
  const renamed = repo.commit('rename', '2024-03-01T00:00:00Z');
  const deleted = repo.remove('config/prod.env').commit('remove the token', '2024-04-11T00:00:00Z', 'bob');

  it('is found in history, with every path and the commits that added and removed it', () => {
    const { exitCode, report } = scanGit([repo.root]);
    expect(exitCode).toBe(1);
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding.ruleId).toBe('github.pat.classic');
    expect(finding.exposure).toEqual({
      firstCommit: { id: added, date: '2024-02-01T00:00:00.000Z', author: 'alice', path: 'config/app.env' },
      lastCommitId: renamed,
      removedIn: { id: deleted, date: '2024-04-11T00:00:00.000Z', author: 'bob' },
      atHead: false,
      daysExposed: 70,
      paths: ['config/app.env', 'config/prod.env'],
    });
    expect(finding.occurrences.map((o: any) => [o.path, o.line, o.column, o.introducedIn.id])).toEqual([
      ['config/app.env', 2, 14, added],
      ['config/prod.env', 2, 14, renamed],
    ]);
  });

  it('gives the same exposure when the history is too long to keep its log (asked again per blob)', () => {
    const whole = scanGit([repo.root]).report;
    const askedAgain = scanGit([repo.root], { env: { SPRAWL_TEST_LOG_LIMIT_BYTES: '64' } }).report;
    expect(askedAgain.findings).toEqual(whole.findings);
    expect(askedAgain.findings[0].exposure.removedIn.id).toBe(deleted);
  });

  it('reads the log from a temporary file of its own, and leaves none behind', () => {
    const temporary = env.path('log-tmp');
    execFileSync('mkdir', ['-p', temporary]);
    const found = scanGit([repo.root], { env: { TMPDIR: temporary } });
    expect(found.report.findings[0].exposure.firstCommit.id).toBe(added);
    expect(readdirSync(temporary)).toEqual([]);
    // With nowhere to write it, the log is asked again for the blobs with findings: the same exposure.
    const nowhere = scanGit([repo.root], { env: { TMPDIR: path.join(temporary, 'missing') } });
    expect(nowhere.report.findings).toEqual(found.report.findings);
  });

  it('says so in text and SARIF: removed, still in history', () => {
    const text = runCli(['git', repo.root, '--format', 'text']);
    expect(text.stdout).toContain(`exposure  first committed in ${added.slice(0, 7)} (2024-02-01, alice), removed in ${deleted.slice(0, 7)} (2024-04-11), still in history, 70 days exposed`);
    const sarif = JSON.parse(runCli(['git', repo.root, '--format', 'sarif']).stdout);
    const result = sarif.runs[0].results[0];
    expect(result.message.text).toContain('still in history');
    expect(result.properties).toMatchObject({ historyOnly: true, exposure: { atHead: false, removedIn: { id: deleted } } });
    expect(text.stdout).not.toContain(token);
  });
});

describe('a secret still at HEAD', () => {
  const repo = new GitRepo(env.path('at-head'));
  const token = fakes.fake('github.pat.classic');
  const first = repo.write('deploy.py', `TOKEN = "${token}"\n`).commit('deploy', '2025-06-01T12:00:00Z');
  const head = repo.write('other.txt', 'x\n').commit('more', '2025-07-01T12:00:00Z');

  it('is at HEAD, last seen in HEAD, exposed until now', () => {
    const finding = scanGit([repo.root]).report.findings[0];
    expect(finding.exposure).toMatchObject({ firstCommit: { id: first }, lastCommitId: head, atHead: true, paths: ['deploy.py'] });
    expect(finding.exposure.removedIn).toBeUndefined();
    expect(finding.exposure.daysExposed).toBeGreaterThanOrEqual(Math.floor((Date.now() - Date.parse('2025-06-01T12:00:00Z')) / 86_400_000));
  });
});

describe('a log that cannot be written whole (a full disk)', () => {
  const repo = new GitRepo(env.path('full-disk'));
  const token = fakes.fake('github.pat.classic');
  const first = repo.write('deploy.py', `TOKEN = "${token}"\n`).commit('deploy', '2025-06-01T12:00:00Z');
  // Enough commits that their log outgrows the 1 KB files may have below.
  for (let index = 0; index < 24; index++) repo.write(`notes/${index}.txt`, `note ${index}\n`).commit(`note ${index}`, '2025-06-02T12:00:00Z');

  it('is asked again for the blobs with findings: the same exposure, no failure, no file left', () => {
    const whole = scanGit([repo.root]).report;
    const temporary = env.path('full-disk-tmp');
    execFileSync('mkdir', ['-p', temporary]);
    // Files may grow to 1 KB: git writing the log is stopped by the limit (node only reads, and writes to a pipe).
    const limited = spawnSync('bash', ['-c', `ulimit -f 1; exec "${process.execPath}" "${CLI_PATH}" git "${repo.root}" --format json`], { encoding: 'utf8', env: { ...process.env, TMPDIR: temporary } });
    expect(limited.status, limited.stderr).toBe(1);
    const report = JSON.parse(limited.stdout);
    expect(report.findings).toEqual(whole.findings);
    expect(report.findings[0].exposure.firstCommit.id).toBe(first);
    expect(readdirSync(temporary)).toEqual([]);
  });
});

describe('commits made in the same second (a script, a rebase)', () => {
  // Commit dates have whole seconds; of two commits in one, git lists the child first. The first commit
  // was the newest of the second before, and a later edit could be reported as the one that added it.
  const repo = new GitRepo(env.path('same-second'));
  const token = fakes.fake('github.pat.classic');
  const second = '2024-06-01T12:00:00Z';
  repo.write('README.md', '# app\n').commit('base', second);
  const added = repo.write('app.env', `TOKEN=${token}\n`).commit('add', second);
  const edited = repo.write('app.env', `# settings\nTOKEN=${token}\n`).commit('edit', second);
  const removed = repo.write('app.env', '# settings\n').commit('remove', second);

  it('are told apart by git\'s order: the commit that added the secret, the last that held it, the one that removed it', () => {
    const { report } = scanGit([repo.root]);
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding.exposure).toMatchObject({ firstCommit: { id: added }, lastCommitId: edited, removedIn: { id: removed }, atHead: false });
    expect(finding.occurrences.map((o: any) => [o.path, o.line, o.introducedIn.id])).toEqual([['app.env', 1, added]]);
  });

  it('are told apart the same when the log is too long to keep and is asked again a blob at a time', () => {
    // Each blob's commits then come from a run of `git log` of their own; one order must hold across the runs.
    const whole = scanGit([repo.root]).report;
    const batched = scanGit([repo.root], { env: { SPRAWL_TEST_LOG_LIMIT_BYTES: '64', SPRAWL_TEST_FIND_OBJECT_BATCH: '1' } }).report;
    expect(batched.findings).toEqual(whole.findings);
    expect(batched.findings[0].exposure).toMatchObject({ firstCommit: { id: added }, lastCommitId: edited, removedIn: { id: removed } });
  });
});

describe('a stash made in the same second as its commit; refs whose tip still holds a secret', () => {
  // `git stash` just after a commit: its index and work-tree commits share the commit's second, and git's
  // default order listed the index commit after the commit it was made on, so it took the credit.
  const repo = new GitRepo(env.path('stash'));
  const token = fakes.fake('github.pat.classic');
  const onSide = fakes.fake('github.pat.classic');
  const second = '2024-03-01T09:00:00Z';
  repo.write('README.md', '# app\n').commit('base', '2024-02-01T00:00:00Z');
  const added = repo.write('app.env', `TOKEN=${token}\n`).commit('add', second);
  repo.write('app.env', `TOKEN=${token}\nDEBUG=1\n`).git('add', 'app.env');
  execFileSync('git', ['stash', '-q'], { cwd: repo.root, env: { ...process.env, GIT_AUTHOR_DATE: second, GIT_COMMITTER_DATE: second } });
  const stash = repo.git('rev-parse', 'stash').trim();
  const removed = repo.remove('app.env').commit('remove', '2024-03-05T00:00:00Z');
  // On a branch not merged: a secret edited (the new version still holds it), never removed.
  repo.git('checkout', '-q', '-b', 'side');
  const sideAdded = repo.write('side.env', `TOKEN=${onSide}\n`).commit('side', '2024-04-01T00:00:00Z');
  const sideEdited = repo.write('side.env', `# edited\nTOKEN=${onSide}\n`).commit('side edit', '2024-04-02T00:00:00Z');
  repo.git('checkout', '-q', 'main');
  const daysSince = (iso: string) => Math.floor((Date.now() - Date.parse(iso)) / 86_400_000);

  it('credits the commit, not its stash; a secret removed from HEAD but in the stash is still exposed there', () => {
    const { report } = scanGit([repo.root]);
    const stashed = report.findings.find((finding: any) => finding.exposure.paths.includes('app.env'));
    expect(stashed.exposure).toMatchObject({ firstCommit: { id: added }, removedIn: { id: removed }, atHead: false, stillOn: ['stash'], lastCommitId: stash });
    expect(Math.abs(stashed.exposure.daysExposed - daysSince(second))).toBeLessThanOrEqual(1);
    // An edit that keeps the secret is no removal; the branch's tip is the last commit that holds it.
    const side = report.findings.find((finding: any) => finding.exposure.paths.includes('side.env'));
    expect(side.exposure).toMatchObject({ firstCommit: { id: sideAdded }, atHead: false, stillOn: ['side'], lastCommitId: sideEdited });
    expect(side.exposure.removedIn).toBeUndefined();
    expect(scanGit([repo.root], { env: { SPRAWL_TEST_LOG_LIMIT_BYTES: '64', SPRAWL_TEST_FIND_OBJECT_BATCH: '1' } }).report.findings).toEqual(report.findings);
  });

  it('says so in text', () => {
    const { stdout } = runCli(['git', repo.root], { env: { NO_COLOR: '1' } });
    expect(stdout).toContain(`first committed in ${added.slice(0, 7)} (2024-03-01, Dev), removed in ${removed.slice(0, 7)} (2024-03-05) but still on stash,`);
    expect(stdout).toContain(`first committed in ${sideAdded.slice(0, 7)} (2024-04-01, Dev), not at HEAD but never removed: still on side,`);
  });

  it('once the stash is dropped, the secret is only in history: removed, and exposed until the removal', () => {
    repo.git('stash', 'drop', '-q');
    const stashed = scanGit([repo.root]).report.findings.find((finding: any) => finding.exposure.paths.includes('app.env'));
    expect(stashed.exposure).toMatchObject({ firstCommit: { id: added }, removedIn: { id: removed }, lastCommitId: added, daysExposed: 3 });
    expect(stashed.exposure.stillOn).toBeUndefined();
  });
});

describe('refs, merges and date windows that tell where a secret still is and where it was last', () => {
  const repo = new GitRepo(env.path('refs'));
  const picked = fakes.fake('github.pat.classic');
  const merged = fakes.fake('github.pat.classic');
  const twice = fakes.fake('github.pat.classic');
  const tagged = fakes.fake('github.pat.classic');
  repo.write('README.md', '# app\n').commit('base', '2024-01-01T00:00:00Z');
  // Cherry-picked onto a release branch, then removed from main: the release branch holds it, though
  // its history does not hold the commit that first added it.
  const pickedAdded = repo.write('a.py', `TOKEN = "${picked}"\n`).commit('add a', '2024-01-02T00:00:00Z');
  repo.git('checkout', '-q', '-b', 'release', 'HEAD~1');
  repo.git('cherry-pick', pickedAdded);
  const releaseTip = repo.write('notes.txt', 'release\n').commit('release notes', '2024-01-03T00:00:00Z');
  repo.git('checkout', '-q', 'main');
  const pickedRemoved = repo.remove('a.py').commit('remove a', '2024-01-04T00:00:00Z');
  // A merge that leaves out a file only its second parent had: that parent is the last commit holding it.
  repo.git('checkout', '-q', '-b', 'feature');
  const featureCommit = repo.write('m.py', `TOKEN = "${merged}"\n`).commit('feature', '2024-01-05T00:00:00Z');
  repo.git('checkout', '-q', 'main');
  repo.write('README.md', '# app 2\n').commit('main work', '2024-01-06T00:00:00Z');
  repo.git('merge', '-q', '--no-ff', '--no-commit', 'feature');
  repo.git('rm', '-qf', 'm.py');
  const merge = repo.commit('merge feature without m.py', '2024-01-07T00:00:00Z');
  repo.git('branch', '-D', 'feature');
  // Removed on a side branch after main removed it: main's removal is the one that counts.
  const twiceAdded = repo.write('c.py', `TOKEN = "${twice}"\n`).commit('add c', '2024-01-08T00:00:00Z');
  repo.git('branch', 'side');
  const twiceKept = repo.write('c.py', `TOKEN = "${twice}"\nPORT = 80\n`).commit('edit c', '2024-01-09T00:00:00Z');
  const twiceRemoved = repo.remove('c.py').commit('remove c on main', '2024-01-10T00:00:00Z');
  repo.git('checkout', '-q', 'side');
  repo.remove('c.py').commit('remove c on side', '2024-01-11T00:00:00Z');
  repo.git('checkout', '-q', 'main');
  // Held only by a tag of a tag, and by a tag of a tree.
  const taggedAdded = repo.write('t.py', `TOKEN = "${tagged}"\n`).commit('add t', '2024-01-12T00:00:00Z');
  repo.git('tag', '-a', '-m', 'inner', 'inner', taggedAdded);
  repo.git('tag', '-a', '-m', 'outer', 'outer', 'inner');
  repo.git('tag', 'snapshot', `${taggedAdded}^{tree}`);
  repo.git('tag', '-d', 'inner');
  repo.remove('t.py').commit('remove t', '2024-01-13T00:00:00Z');

  const exposureOf = (report: any, file: string) => report.findings.find((finding: any) => finding.exposure.paths.includes(file)).exposure;

  it('names the refs whose tip still holds it, whichever commit they hold it from, with the newest tip as its last commit', () => {
    const { report } = scanGit([repo.root]);
    expect(exposureOf(report, 'a.py')).toMatchObject({ firstCommit: { id: pickedAdded }, removedIn: { id: pickedRemoved }, stillOn: ['release'], lastCommitId: releaseTip });
    const tag = exposureOf(report, 't.py');
    expect(tag).toMatchObject({ firstCommit: { id: taggedAdded }, stillOn: ['outer', 'snapshot'], lastCommitId: taggedAdded });
  });

  it('takes the parent of a merge that held the secret, and the removal in HEAD\'s history', () => {
    const { report } = scanGit([repo.root]);
    expect(exposureOf(report, 'm.py')).toMatchObject({ firstCommit: { id: featureCommit }, removedIn: { id: merge }, lastCommitId: featureCommit, daysExposed: 2 });
    expect(exposureOf(report, 'm.py').stillOn).toBeUndefined();
    expect(exposureOf(report, 'c.py')).toMatchObject({ firstCommit: { id: twiceAdded }, removedIn: { id: twiceRemoved }, lastCommitId: twiceKept, daysExposed: 2 });
  });

  it('finds the commit that added a secret before a date window that holds only commits that kept it, and its removal', () => {
    const windowed = new GitRepo(env.path('window'));
    const token = fakes.fake('github.pat.classic');
    const added = windowed.write('w.py', `TOKEN = "${token}"\n`).commit('add', '2024-03-01T00:00:00Z');
    windowed.write('other.txt', 'x\n').commit('other work', '2024-03-05T00:00:00Z');
    const removed = windowed.remove('w.py').commit('remove', '2024-03-10T00:00:00Z');
    const { report } = scanGit([windowed.root, '--since', '2024-03-03']);
    expect(exposureOf(report, 'w.py')).toMatchObject({ firstCommit: { id: added }, removedIn: { id: removed }, daysExposed: 9 });
    expect(report.findings[0].occurrences[0].introducedIn.id).toBe(added);
  });

  it('finds a branch tip that holds the secret though its committer date is older than the secret\'s', () => {
    const skewed = new GitRepo(env.path('skewed'));
    const token = fakes.fake('github.pat.classic');
    skewed.write('README.md', '# app\n').commit('base', '2024-05-01T00:00:00Z');
    skewed.git('checkout', '-q', '-b', 'feature');
    skewed.write('app.env', `TOKEN=${token}\n`).commit('add', '2024-05-02T00:00:00Z');
    const tip = skewed.write('notes.txt', 'x\n').commit('a commit made with a skewed clock', '2023-01-01T00:00:00Z');
    skewed.git('checkout', '-q', 'main');
    const { report } = scanGit([skewed.root]);
    expect(report.findings[0].exposure).toMatchObject({ atHead: false, stillOn: ['feature'], lastCommitId: tip });
  });

  it('lists a clone\'s origin/main once, not again as origin/HEAD', () => {
    const clone = env.path('refs-clone');
    execFileSync('git', ['clone', '-q', repo.root, clone]);
    const { report } = scanGit([clone]);
    expect(exposureOf(report, 'a.py').stillOn).toEqual(['origin/release']);
  });
});

describe('history as stored', () => {
  it('a graft made with git replace hides no commit: every clone still gets the replaced ones', () => {
    const repo = new GitRepo(env.path('replaced'));
    const token = fakes.fake('github.pat.classic');
    repo.write('README.md', '# app\n').commit('base', '2024-01-01T00:00:00Z');
    const added = repo.write('app.env', `TOKEN=${token}\n`).commit('add', '2024-01-02T00:00:00Z');
    repo.remove('app.env').write('README.md', '# app 2\n').commit('remove', '2024-01-03T00:00:00Z');
    repo.git('replace', '--graft', 'HEAD', 'HEAD~2'); // HEAD's parent shown as base: "add" drops out of the log
    const { report } = scanGit([repo.root]);
    expect(report.findings.map((finding: any) => finding.exposure.firstCommit.id)).toEqual([added]);
  });

  it('a branch named like a folder is the branch, not a path to narrow the history to', () => {
    const repo = new GitRepo(env.path('branch-like-folder'));
    const token = fakes.fake('github.pat.classic');
    repo.write('docs/readme.md', 'docs\n').commit('base', '2024-01-01T00:00:00Z');
    repo.git('checkout', '-q', '-b', 'docs');
    repo.write('app.env', `TOKEN=${token}\n`).commit('add', '2024-01-02T00:00:00Z');
    repo.git('checkout', '-q', 'main');
    const { exitCode, report } = scanGit([repo.root, '--branch', 'docs']);
    expect(exitCode).toBe(1);
    expect(report.findings.map((finding: any) => finding.occurrences[0].path)).toEqual(['app.env']);
  });
});

describe('a partial clone (--filter=blob:none)', () => {
  it('counts the blobs it did not download, fetches none of them, and scans the rest', () => {
    const upstream = new GitRepo(env.path('partial-upstream'));
    const token = fakes.fake('github.pat.classic');
    upstream.write('old.py', `TOKEN = "${token}"\n`).commit('old', '2024-01-01T00:00:00Z');
    upstream.remove('old.py').write('new.py', `# moved\nTOKEN = "${token}"\n`).commit('new', '2024-01-02T00:00:00Z');
    upstream.git('config', 'uploadpack.allowfilter', 'true');
    const clone = env.path('partial-clone');
    execFileSync('git', ['clone', '-q', '--filter=blob:none', `file://${upstream.root}`, clone]);
    const packs = () => readdirSync(path.join(clone, '.git', 'objects', 'pack')).sort();
    const before = packs();
    const { report } = scanGit([clone]);
    expect(packs()).toEqual(before);
    // The checkout downloaded HEAD's blob; the history's other blob stayed on the remote.
    expect(report.findings.map((finding: any) => finding.occurrences.map((occurrence: any) => occurrence.path))).toEqual([['new.py']]);
    expect(report.skipped).toEqual([{ path: '.', reason: 'not-downloaded', detail: expect.stringMatching(/^1 blob of the history, such as [0-9a-f]{12}$/), count: 1 }]);
  });
});

describe('paths that are not plain ASCII', () => {
  // Git quotes such paths in its logs unless asked for NUL-separated output (`café.env` came out as
  // `"caf\303\251.env"`, in the findings too).
  const repo = new GitRepo(env.path('names'));
  const token = fakes.fake('github.pat.classic');
  const names = ['config/café.env', 'config/tab\there "quoted".env'];
  const added = repo.write(names[0]!, `TOKEN=${token}\n`).write(names[1]!, `TOKEN=${token}\n`).commit('add', '2024-05-01T00:00:00Z');
  const removed = repo.remove(names[0]!).commit('remove one', '2024-05-02T00:00:00Z');

  it('keep their names in occurrences and exposure, and the one still at HEAD is found there', () => {
    const { report } = scanGit([repo.root]);
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding.occurrences.map((o: any) => o.path).sort()).toEqual([...names].sort());
    expect(finding.exposure).toMatchObject({ firstCommit: { id: added }, paths: [...names].sort(), atHead: true });
    expect(removed).toMatch(/^[0-9a-f]{40}$/);
  });

  it('the same when the history is too long to keep its log (asked again per blob)', () => {
    const whole = scanGit([repo.root]).report;
    const askedAgain = scanGit([repo.root], { env: { SPRAWL_TEST_LOG_LIMIT_BYTES: '64' } }).report;
    expect(askedAgain.findings).toEqual(whole.findings);
  });
});

describe('versions of a file, each scanned only where it changed since the one before', () => {
  // A file of real code (this repository's own) with a token near its top and one near its end, edited
  // in the middle, at the end and at the top: the unchanged lines of each version are not scanned again,
  // yet the exposure stays exact (a match carried over wrongly, or not at all, moves the last commit a
  // token was seen in, or the commit that removed it). Lines of carried matches: changed-region.test.ts.
  const repo = new GitRepo(env.path('versions'));
  const top = fakes.fake('github.pat.classic');
  const bottom = fakes.fake('github.pat.classic');
  const code = readFileSync(path.resolve('src/engine/scan.ts'), 'utf8').split('\n');
  const version = (middle: string[], withBottom: boolean, withTop: boolean) =>
    [...(withTop ? [`const top = "${top}";`] : ['// no top token']), ...code, ...middle, ...code, ...(withBottom ? [`const bottom = "${bottom}";`] : []), ''].join('\n');
  const first = repo.write('src/service.ts', version([], true, true)).commit('add the service', '2024-01-01T00:00:00Z');
  const second = repo.write('src/service.ts', version(['// one', '// two', '// three'], true, true)).commit('three lines in the middle', '2024-01-02T00:00:00Z');
  const third = repo.write('src/service.ts', version(['// one', '// two', '// three'], false, true)).commit('drop the bottom token', '2024-01-03T00:00:00Z');
  const fourth = repo.write('src/service.ts', version(['// one', '// two', '// three'], false, false)).commit('drop the top token', '2024-01-04T00:00:00Z');
  const codeLines = code.length;

  it('reports each token with the commits that added and removed it, and where it was first', () => {
    const { report } = scanGit([repo.root]);
    expect(report.summary.bytesCarriedOver).toBeGreaterThan(0);
    // The finding whose first version holds it at this line.
    const findingAt = (line: number) => report.findings.find((finding: any) => finding.occurrences.some((o: any) => o.line === line && o.introducedIn.id === first));
    const topFinding = findingAt(1);
    expect(topFinding.exposure).toMatchObject({ firstCommit: { id: first }, lastCommitId: third, removedIn: { id: fourth }, atHead: false });
    expect(topFinding.occurrences.map((o: any) => [o.path, o.line, o.column])).toEqual([['src/service.ts', 1, 14]]);
    const bottomFinding = findingAt(2 * codeLines + 2);
    expect(bottomFinding.exposure).toMatchObject({ firstCommit: { id: first }, lastCommitId: second, removedIn: { id: third }, atHead: false });
    expect(bottomFinding.occurrences.map((o: any) => [o.path, o.line, o.column])).toEqual([['src/service.ts', 2 * codeLines + 2, 17]]);
  });

  it('finds the same as when every version is scanned whole (as it is when encoded text is decoded)', () => {
    const carried = scanGit([repo.root]).report;
    const whole = scanGit([repo.root, '--decode', '1']).report;
    expect(whole.summary.bytesCarriedOver).toBe(0);
    expect(carried.summary.bytesCarriedOver).toBeGreaterThan(0);
    expect(carried.findings).toEqual(whole.findings);
  });
});

describe('a credential dump committed, then edited', () => {
  // Past the bound of values per rule (match-limit.ts), each version says where it stopped, and the
  // edited version is scanned whole rather than only where it changed, so it stops at the same place.
  const repo = new GitRepo(env.path('dump'));
  const passwordLine = (index: number) => `password=Vq${(index * 7919) % 1_000_003}zR${index % 97}`;
  const lines = Array.from({ length: MAX_VALUES_PER_RULE + 200 }, (_, index) => passwordLine(index));
  const first = repo.write('users.env', `${lines.join('\n')}\n`).commit('add users', '2024-01-01T00:00:00Z');
  lines.splice(100, 0, passwordLine(MAX_VALUES_PER_RULE + 500));
  const second = repo.write('users.env', `${lines.join('\n')}\n`).commit('one more user', '2024-01-02T00:00:00Z');

  it('reports each version as scanned in part, by its blob, and the added line with the commit that added it', () => {
    const { report } = scanGit([repo.root]);
    const blobs = repo.git('rev-list', '--objects', '--all').split('\n').filter((line) => line.endsWith(' users.env')).map((line) => line.slice(0, 12));
    expect(report.skipped.map((skipped: any) => [skipped.path, skipped.reason, skipped.detail]).sort()).toEqual(
      blobs.map((blob) => ['users.env', 'value-limit', `generic.password.unquoted in ${blob}`]).sort(),
    );
    const added = report.findings.find((finding: any) => finding.occurrences.some((o: any) => o.line === 101 && o.introducedIn.id === second));
    expect(added.exposure).toMatchObject({ firstCommit: { id: second }, atHead: true });
    const inSecond = report.findings.flatMap((finding: any) => finding.occurrences).filter((o: any) => o.introducedIn.id === second);
    expect(inSecond.length).toBeGreaterThan(0);
    expect(Math.max(...report.findings.flatMap((finding: any) => finding.occurrences).map((o: any) => o.line))).toBe(MAX_VALUES_PER_RULE);
    const firstLine = report.findings.find((finding: any) => finding.occurrences.some((o: any) => o.line === 1));
    expect(firstLine.exposure).toMatchObject({ firstCommit: { id: first }, atHead: true });
  });
});

describe('branches, tags, merges and ranges', () => {
  const repo = new GitRepo(env.path('branches'));
  const onSide = fakes.fake('github.pat.classic');
  const inTag = fakes.fake('github.pat.classic');
  const inMerge = fakes.fake('github.pat.classic');
  const inMessage = fakes.fake('github.pat.classic');
  const inRange = fakes.fake('github.pat.classic');
  const base = repo.write('a.txt', 'a\n').commit('base', '2024-01-01T00:00:00Z');
  repo.git('checkout', '-q', '-b', 'side');
  const sideCommit = repo.write('side.env', `TOKEN=${onSide}\n`).commit('side work', '2024-01-02T00:00:00Z');
  repo.git('checkout', '-q', 'main');
  repo.git('checkout', '-q', '-b', 'tagged');
  repo.write('tagged.env', `TOKEN=${inTag}\n`).commit('tagged work', '2024-01-03T00:00:00Z');
  repo.git('tag', 'v1');
  repo.git('checkout', '-q', 'main');
  repo.git('branch', '-D', 'tagged');
  repo.git('checkout', '-q', '-b', 'feature');
  repo.write('conflict.txt', 'feature\n').commit('feature', '2024-01-04T00:00:00Z');
  repo.git('checkout', '-q', 'main');
  repo.write('conflict.txt', 'main\n').commit('main change', '2024-01-05T00:00:00Z');
  try {
    repo.git('merge', '-q', 'feature');
  } catch {
    // the conflict is intended: the merge commit resolves it with a secret
  }
  const merge = repo.write('conflict.txt', `resolved\nTOKEN=${inMerge}\n`).commit('merge feature', '2024-01-06T00:00:00Z');
  const beforeRange = repo.head();
  repo.write('b.txt', 'b\n').commit(`add b\n\nthe token was ${inMessage}`, '2024-01-07T00:00:00Z');
  const rangeCommit = repo.write('new.env', `TOKEN=${inRange}\n`).commit('add new', '2024-01-08T00:00:00Z');

  const ruleFindings = (report: any) => report.findings.map((finding: any) => finding.occurrences.map((o: any) => o.path).join(',')).sort();

  it('every ref by default: side branches, tags and merge commits', () => {
    const { report } = scanGit([repo.root]);
    expect(ruleFindings(report)).toEqual(['conflict.txt', 'new.env', 'side.env', 'tagged.env']);
    const side = report.findings.find((finding: any) => finding.occurrences[0].path === 'side.env');
    expect(side.exposure).toMatchObject({ firstCommit: { id: sideCommit }, atHead: false, stillOn: ['side'] });
    expect(side.exposure.removedIn).toBeUndefined();
    const tagged = report.findings.find((finding: any) => finding.occurrences[0].path === 'tagged.env');
    expect(tagged.exposure).toMatchObject({ atHead: false, stillOn: ['v1'] });
    const merged = report.findings.find((finding: any) => finding.occurrences[0].path === 'conflict.txt');
    expect(merged.exposure).toMatchObject({ firstCommit: { id: merge }, atHead: true });
  });

  it('says in text that a secret never removed is still on the refs that hold it, not that it was removed', () => {
    const result = spawnSync(process.execPath, [CLI_PATH, 'git', repo.root], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    expect(result.stdout).toContain(`first committed in ${sideCommit.slice(0, 7)} (2024-01-02, Dev), not at HEAD but never removed: still on side`);
    expect(result.stdout).not.toContain('removed in a later commit');
  });

  it('attributes side branches, tags and merges the same when the log is asked again per blob', () => {
    const whole = scanGit([repo.root]).report;
    expect(scanGit([repo.root], { env: { SPRAWL_TEST_LOG_LIMIT_BYTES: '64' } }).report.findings).toEqual(whole.findings);
  });

  it('--branch main leaves out what only other refs reach', () => {
    expect(ruleFindings(scanGit([repo.root, '--branch', 'main']).report)).toEqual(['conflict.txt', 'new.env']);
  });

  it('--range A..B: only what the range added, commit messages included', () => {
    const { report } = scanGit([repo.root, '--range', `${beforeRange}..HEAD`]);
    expect(ruleFindings(report)).toEqual([`${repo.git('rev-parse', 'HEAD~1').trim().slice(0, 12)}:message`, 'new.env']);
    const added = report.findings.find((finding: any) => finding.occurrences[0].path === 'new.env');
    expect(added.exposure.firstCommit.id).toBe(rangeCommit);
  });

  it('exists only in a range it was not added in: reports nothing', () => {
    expect(scanGit([repo.root, '--range', `${base}..${base}`]).report.findings).toEqual([]);
  });
});

describe('a range whose file was renamed after it', () => {
  const repo = new GitRepo(env.path('renamed-after-range'));
  const token = fakes.fake('github.pat.classic');
  const base = repo.write('a.txt', 'a\n').commit('base', '2024-02-01T00:00:00Z');
  const added = repo.write('old-name.env', `TOKEN=${token}\n`).commit('add settings', '2024-02-02T00:00:00Z');
  // After the range: the same blob moves to another path, where HEAD still holds it.
  repo.git('mv', 'old-name.env', 'new-name.env');
  repo.commit('rename settings', '2024-02-03T00:00:00Z');

  it('is still at HEAD, found there by its id, not by the path the range gave it', () => {
    const [finding] = scanGit([repo.root, '--range', `${base}..${added}`]).report.findings;
    expect(finding.exposure).toMatchObject({ firstCommit: { id: added, path: 'old-name.env' }, lastCommitId: repo.head(), atHead: true });
    expect(finding.exposure.removedIn).toBeUndefined();
  });
});

describe('how the blobs are listed', () => {
  const repo = new GitRepo(env.path('listing'));
  const inFile = fakes.fake('github.pat.classic');
  const inTaggedBlob = fakes.fake('github.pat.classic');
  repo.write('app.env', `TOKEN=${inFile}\n`).commit('add', '2024-02-01T00:00:00Z');
  const blobId = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo.root, input: `TOKEN=${inTaggedBlob}\n` }).toString().trim();
  repo.git('tag', 'a-blob', blobId);
  const secretsOf = (report: any) => report.findings.map((finding: any) => finding.occurrences[0].path).sort();

  it('a blob a tag points at, with no path, is scanned too', () => {
    expect(secretsOf(scanGit([repo.root]).report)).toEqual(['app.env', blobId].sort());
  });

  it('a git older than 2.32 (no --filter=object:type=blob) lists the same blobs', () => {
    const oldGitDir = env.path('old-git');
    const realGit = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
    const wrapper = env.write('old-git/git', `#!/bin/sh\nfor arg in "$@"; do case "$arg" in --filter=*) echo "fatal: invalid filter-spec '\${arg#--filter=}'" >&2; exit 128;; esac; done\nexec ${realGit} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const { report } = scanGit([repo.root], { env: { PATH: `${oldGitDir}:${process.env.PATH}` } });
    expect(secretsOf(report)).toEqual(['app.env', blobId].sort());
  });
});

describe('paths left out of a history scan', () => {
  const repo = new GitRepo(env.path('left-out'));
  repo.write('src/app.env', `TOKEN=${fakes.fake('github.pat.classic')}\n`);
  repo.write('vendor/lib/settings.env', `TOKEN=${fakes.fake('github.pat.classic')}\n`);
  repo.write('docs/examples/demo.env', `TOKEN=${fakes.fake('github.pat.classic')}\n`);
  repo.write('docs/examples/keep.env', `TOKEN=${fakes.fake('github.pat.classic')}\n`);
  // A root file, and a nested one whose patterns apply below its own folder.
  repo.write('.sprawlignore', 'vendor/\n').write('docs/.sprawlignore', 'examples/demo.env\n').commit('add', '2024-02-01T00:00:00Z');
  // Deleted since: the history still holds it, and the ignore files at HEAD still leave it out.
  repo.write('vendor/old.env', `TOKEN=${fakes.fake('github.pat.classic')}\n`).commit('vendor more', '2024-03-01T00:00:00Z');
  repo.remove('vendor/old.env').commit('drop it', '2024-04-01T00:00:00Z');
  const pathsIn = (args: string[]) => scanGit([repo.root, ...args]).report.findings.map((finding: any) => finding.occurrences[0].path).sort();

  it('honours the .sprawlignore files committed at HEAD, each below its folder', () => {
    expect(pathsIn([])).toEqual(['docs/examples/keep.env', 'src/app.env']);
  });

  it('leaves out --exclude globs, and shows everything ignore files hide with --no-ignore', () => {
    expect(pathsIn(['--exclude', 'docs/**'])).toEqual(['src/app.env']);
    expect(pathsIn(['--no-ignore'])).toEqual(['docs/examples/demo.env', 'docs/examples/keep.env', 'src/app.env', 'vendor/lib/settings.env', 'vendor/old.env']);
    expect(pathsIn(['--no-ignore', '--exclude', 'src/**', 'docs/**'])).toEqual(['vendor/lib/settings.env', 'vendor/old.env']);
  });
});

describe('structural checks in history', () => {
  it('a deleted CI workflow that kept static keys beside OIDC is still judged by its structure', () => {
    const repo = new GitRepo(env.path('workflow-history'));
    const workflow = readFileSync(path.join(__dirname, '../../fixtures/standing-privilege/beside-oidc/.github/workflows/deploy.yml'), 'utf8');
    repo.write('.github/workflows/deploy.yml', workflow).commit('add deploy', '2024-03-01T00:00:00Z');
    repo.git('rm', '-q', '.github/workflows/deploy.yml');
    repo.commit('remove deploy', '2024-03-02T00:00:00Z');
    const { report } = scanGit([repo.root]);
    const beside = report.findings.filter((finding: any) => finding.ruleId === 'github-actions.static-key-beside-oidc');
    expect(beside.map((finding: any) => finding.occurrences[0].path)).toEqual(['.github/workflows/deploy.yml', '.github/workflows/deploy.yml']);
    expect(beside[0].exposure).toMatchObject({ atHead: false });
  });
});

describe('repositories of every shape', () => {
  it('a bare clone and a shallow clone (which says what it could not see)', () => {
    const repo = new GitRepo(env.path('source'));
    const token = fakes.fake('github.pat.classic');
    repo.write('old.env', `TOKEN=${token}\n`).commit('old', '2024-01-01T00:00:00Z');
    repo.remove('old.env').write('x.txt', 'x\n').commit('clean', '2024-02-01T00:00:00Z');
    const kept = fakes.fake('github.pat.classic');
    repo.write('y.txt', 'y\n').write('kept.env', `TOKEN=${kept}\n`).commit('more', '2024-03-01T00:00:00Z');
    const bare = env.path('bare.git');
    execFileSync('git', ['clone', '-q', '--bare', repo.root, bare]);
    // HEAD is found in a bare repository too: one value removed, one still there.
    const atHead = scanGit([bare]).report.findings.map((finding: any) => [finding.occurrences[0].path, finding.exposure.atHead]).sort();
    expect(atHead).toEqual([
      ['kept.env', true],
      ['old.env', false],
    ]);
    const shallow = env.path('shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.root}`, shallow]);
    const { report } = scanGit([shallow]);
    expect(report.findings.map((finding: any) => [finding.occurrences[0].path, finding.exposure.atHead])).toEqual([['kept.env', true]]);
    expect(report.skipped).toEqual([{ path: '.', reason: 'shallow-history', detail: 'a shallow clone: commits before its boundary are not visible' }]);
  });

  it('a repository with no commit yet, and one scanned from a folder inside it', () => {
    const empty = new GitRepo(env.path('no-commit-yet'));
    empty.write('a.txt', 'a\n');
    const { exitCode, report } = scanGit([empty.root]);
    expect(exitCode).toBe(0);
    expect(report.findings).toEqual([]);
    const repo = new GitRepo(env.path('from-a-folder'));
    const token = fakes.fake('github.pat.classic');
    repo.write('deep/folder/app.env', `TOKEN=${token}\n`).commit('add', '2024-01-01T00:00:00Z');
    const found = scanGit([path.join(repo.root, 'deep', 'folder')]).report.findings;
    expect(found.map((finding: any) => [finding.occurrences[0].path, finding.exposure.atHead])).toEqual([['deep/folder/app.env', true]]);
  });

  it('submodules are reported, not crashed on', () => {
    const library = new GitRepo(env.path('library'));
    library.write('lib.txt', 'lib\n').commit('lib', '2024-01-01T00:00:00Z');
    const repo = new GitRepo(env.path('with-submodule'));
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', library.root, 'vendor/lib');
    repo.commit('add submodule', '2024-01-02T00:00:00Z');
    const { exitCode, report } = scanGit([repo.root]);
    expect(exitCode).toBe(0);
    expect(report.skipped).toEqual([{ path: 'vendor/lib', reason: 'submodule', detail: 'scan its own repository with sprawl git' }]);
  });

  it('Git LFS pointers are reported as pointers, not scanned', () => {
    const repo = new GitRepo(env.path('lfs'));
    repo.write('model.bin', 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n').commit('lfs', '2024-01-01T00:00:00Z');
    expect(scanGit([repo.root]).report.skipped).toEqual([{ path: 'model.bin', reason: 'lfs-pointer', detail: expect.stringMatching(/^blob [0-9a-f]{12}$/) }]);
  });

  it('a missing object (a corrupt repository) is a clear one-line error, and nothing is written', () => {
    const repo = new GitRepo(env.path('corrupt'));
    repo.write('a.txt', 'first\n').commit('one', '2024-01-01T00:00:00Z');
    const blob = repo.git('rev-parse', 'HEAD:a.txt').trim();
    const objectPath = path.join(repo.root, '.git', 'objects', blob.slice(0, 2), blob.slice(2));
    chmodSync(objectPath, 0o644);
    rmSync(objectPath);
    const before = repo.git('status', '--porcelain');
    const result = runCli(['git', repo.root, '--format', 'json']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`sprawl: ${repo.root}: git failed: missing blob object '${blob}'\n`);
    expect(repo.git('status', '--porcelain')).toBe(before);
  });
});

describe('a UTF-16 script and a gzip-compressed dump in history', () => {
  const repo = new GitRepo(env.path('encoded'));
  const token = fakes.fake('github.pat.classic');
  const dumped = fakes.fake('github.pat.classic');
  const script = `# deploy.ps1\r\n$token = "${token}"\r\n`;
  repo.write('deploy.ps1', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(script, 'utf16le')]));
  repo.write('backup.sql.gz', gzipSync(`-- dump\n\nINSERT INTO settings VALUES ('github', '${dumped}');\n`));
  const added = repo.commit('add the script and a backup', '2024-05-01T00:00:00Z');

  it('are decoded and scanned like any text, not skipped as binary', () => {
    const { report } = scanGit([repo.root]);
    expect(report.summary.skipped).toEqual({});
    const found = report.findings.map((finding: any) => [finding.occurrences[0].path, finding.occurrences[0].line, finding.occurrences[0].column, finding.exposure.firstCommit.id]);
    expect(found.sort()).toEqual([
      ['backup.sql.gz', 3, 41, added],
      ['deploy.ps1', 2, 11, added],
    ]);
  });
});

describe('errors', () => {
  it('a date git cannot read (which git would take as "now", scanning nothing)', () => {
    const repo = new GitRepo(env.path('dates'));
    repo.write('a.txt', 'one\n').commit('one', '2024-01-01T00:00:00Z');
    const result = runCli(['git', repo.root, '--since', 'the day before launch']);
    expect(result).toMatchObject({ exitCode: 2, stderr: 'sprawl: --since the day before launch: not a date git understands (try 2024-01-31 or "2 weeks ago")\n' });
    expect(runCli(['git', repo.root, '--since', '2023-12-01', '--until', '2 weeks ago']).exitCode).toBe(0);
  });

  it('a range or branch that git would read as an option, a day that does not exist, --range with --branch: exit 2, nothing written', () => {
    const repo = new GitRepo(env.path('option-values'));
    repo.write('a.txt', 'one\n').commit('one', '2024-01-01T00:00:00Z');
    const cases: [string[], unknown][] = [
      [['--range=--output=written.txt'], 'sprawl: --range "--output=written.txt": not a revision range (try main..HEAD)\n'],
      [['--branch=--output=written.txt'], 'sprawl: --branch "--output=written.txt": not a branch name\n'],
      [['--range', 'main', '--branch', 'main'], 'sprawl: --range and --branch cannot be used together (a range names its own commits: --range main~5..main)\n'],
      [['--until', '2024-13-45'], 'sprawl: --until 2024-13-45: no such day\n'],
      // git reads years outside 1970-2099 as this year's: the scan would quietly leave out the years before.
      [['--since', '1900-01-01'], expect.stringMatching(/^sprawl: --since 1900-01-01: git would read it as \d{4}-01-01 \(it takes years from 1970 to 2099\)\n$/)],
      [['--branch', ''], 'sprawl: --branch "": not a branch name\n'],
      [['--since', ''], 'sprawl: --since "": not a date git understands (try 2024-01-31 or "2 weeks ago")\n'],
    ];
    // What git reads after a day is its own: taken as the day it names.
    for (const date of ['2024-01-31 noon', '2024-01-31 10:00 CET', '2024-01-31T10:00:00+02:00']) expect(runCli(['git', repo.root, '--since', date]).exitCode).toBe(0);
    for (const [args, stderr] of cases) expect(runCli(['git', repo.root, ...args])).toMatchObject({ exitCode: 2, stdout: '', stderr });
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('an error before the scan starts (a bad configuration) ends the command at once, on a history longer than one listing window', () => {
    // A listing started early and never read would keep git, and with it this process, waiting on a
    // full pipe: the error was printed, but the command did not end.
    const repo = new GitRepo(env.path('long-listing'));
    const files = Array.from({ length: 60_000 }, (_, index) => `M 100644 inline f/${index % 100}/${index}.txt\ndata ${`${index}\n`.length}\n${index}\n`);
    execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.root, input: `commit refs/heads/main\ncommitter Dev <dev@example.test> 1700000000 +0000\ndata 4\nmany\n${files.join('')}` });
    const config = env.write('long-listing-config.yml', 'rules: [unclosed\n');
    const started = Date.now();
    const result = spawnSync(process.execPath, [CLI_PATH, 'git', repo.root, '--config', config], { encoding: 'utf8', timeout: 20_000 });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^sprawl: .+long-listing-config\.yml:\d+: invalid YAML/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a folder that is not a repository', () => {
    const plain = mkdtempSync(path.join(tmpdir(), 'not-a-repo-'));
    try {
      const result = runCli(['git', plain]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toBe(`sprawl: ${plain}: not a git repository\n`);
      expect(readdirSync(plain)).toEqual([]);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('no git on the PATH', () => {
    const repo = new GitRepo(env.path('no-git'));
    repo.write('a.txt', 'a\n').commit('one', '2024-01-01T00:00:00Z');
    const emptyBin = env.path('empty-bin');
    writeFileSync(env.write('empty-bin/.keep', ''), '');
    const result = runCli(['git', repo.root], { env: { PATH: emptyBin } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('sprawl: git: command not found (sprawl needs git on the PATH to read repositories)\n');
  });

  it('a configuration error found while git is still listing: the error, and no git left running', () => {
    // The listing starts before the configuration is read. With a window of 2 blobs, git has most of a
    // listing of 2,000 long paths (860 KB, far more than a pipe and a stream buffer hold) still to print
    // when the error comes: a listing left running blocks on its full pipe and keeps sprawl from exiting.
    const repo = new GitRepo(env.path('listing-stopped'));
    const folder = 'a-long-folder-name-'.repeat(8);
    for (let index = 0; index < 2000; index++) repo.write(`src/${folder}${index}/file-with-a-long-name-${index}.txt`, `${index}\n`);
    repo.write('.sprawl.yml', 'rules:\n  disable: [no.such.rule]\n').commit('many files', '2024-01-01T00:00:00Z');
    const result = spawnSync(process.execPath, [CLI_PATH, 'git', repo.root], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', SPRAWL_TEST_VERSIONS_WINDOW: '2' },
      timeout: 15_000,
    });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`sprawl: ${path.join(repo.root, '.sprawl.yml')}: rules: no rule with id no.such.rule\n`);
  });

  it('a range that does not resolve', () => {
    const repo = new GitRepo(env.path('bad-range'));
    repo.write('a.txt', 'a\n').commit('one', '2024-01-01T00:00:00Z');
    const result = runCli(['git', repo.root, '--range', 'nope..HEAD']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^sprawl: .+: git failed: .+\n$/);
  });
});
