/**
 * A file is scanned in chunks of about CHUNK_BYTES: each chunk also holds the first bytes of the next one
 * (the overlap, so that a secret across the boundary is seen whole) and the last bytes of the one before
 * (the look-behind, so that a match at its start sees what comes before it). A line across a boundary is
 * reported as it is in a file of its own: the same findings, columns and snippets.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../src/engine/chunked-scan.js';
import { fakeMaker } from '../support/fakes.js';
import { ScanEnv, scanJson, type JsonReport } from '../support/scan-env.js';

const env = new ScanEnv('sprawl-chunk-boundaries-');
const fakes = fakeMaker('chunk-boundaries');
afterAll(() => env.cleanup());

/** Whole lines of filler, `length` bytes in all, the last ending in a newline. */
function fillerLines(length: number): string {
  return `${'lorem ipsum dolor sit amet\n'.repeat(Math.ceil(length / 27)).slice(0, length - 1)}\n`;
}

/** Each occurrence, with its line counted from `firstLine`. */
function occurrencesOf(report: JsonReport, firstLine: number) {
  return report.findings
    .flatMap((finding) =>
      finding.occurrences.map((occurrence) => ({
        ruleId: finding.ruleId,
        secret: finding.secret,
        sprawlCount: finding.sprawlCount,
        suppressed: finding.suppressed,
        line: occurrence.line - firstLine + 1,
        column: occurrence.column,
        endColumn: occurrence.endColumn,
        snippet: occurrence.snippet,
      })),
    )
    .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : a.column - b.column));
}

/**
 * Scans `line` in a file of its own, and in a large file where its byte `at` is the first byte of the
 * second chunk (the file goes on past the first chunk's buffer, so that its end is a cut). ASCII only:
 * `at` counts characters as bytes.
 */
function scanBothWays(name: string, line: string, at: number) {
  const before = fillerLines(CHUNK_BYTES - at);
  env.write(`${name}/alone/file.txt`, `${line}\n`);
  env.write(`${name}/large/file.txt`, `${before}${line}\n${fillerLines(64 * 1024)}`);
  const scan = (folder: string, firstLine: number) => occurrencesOf(scanJson([env.path(`${name}/${folder}`), '--show-secrets']).report, firstLine);
  return { alone: scan('alone', 1), large: scan('large', before.split('\n').length) };
}

describe('a match where a chunk begins sees the bytes before it', () => {
  it('a token glued to the word before it is no token there either', () => {
    const token = fakes.fake('github.pat.classic');
    const line = `id=abcxyz${token}`;
    const { alone, large } = scanBothWays('glued', line, line.indexOf(token));
    expect(alone).toEqual([]);
    expect(large).toEqual(alone);
  });

  it('a sprawl:allow earlier on the line allows it', () => {
    const token = fakes.fake('github.pat.classic');
    const line = `# sprawl:allow test fixture ${'-'.repeat(100)} then ${token}`;
    const { alone, large } = scanBothWays('allowed', line, line.indexOf(token));
    expect(alone).toMatchObject([{ ruleId: 'github.pat.classic', suppressed: true }]);
    expect(large).toEqual(alone);
  });

  it('its snippet shows the line before it, another secret there redacted', () => {
    const [other, token] = [fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic')];
    const line = `first ${other} then ${token}`;
    const { alone, large } = scanBothWays('snippet', line, line.indexOf(token));
    const ofToken = (occurrences: typeof alone) => occurrences.find((each) => each.secret === token);
    expect(ofToken(alone)!.snippet).toBe(`first ${other.slice(0, 4)}…${other.slice(-4)} then ${token}`);
    expect(ofToken(large)).toEqual(ofToken(alone));
  });
});

describe('a secret across a chunk boundary is one finding', () => {
  it('a postgres URL starting just before it is not a URL with a password as well', () => {
    const line = ` postgres://app:${fakes.fake('connection-string.postgres')}@db.example.net/prod`;
    const { alone, large } = scanBothWays('postgres', line, line.indexOf('postgres') + 4);
    expect(alone).toMatchObject([{ ruleId: 'connection-string.postgres', sprawlCount: 1 }]);
    expect(large).toEqual(alone);
  });

  it('an AWS secret key set by name is found once, not again from its second keyword', () => {
    const line = ` AWS_SECRET_ACCESS_KEY=${fakes.fake('aws.secret-access-key')}`;
    const { alone, large } = scanBothWays('aws', line, line.indexOf('AWS_') + 4);
    expect(alone).toMatchObject([{ ruleId: 'aws.secret-access-key', sprawlCount: 1 }]);
    expect(large).toEqual(alone);
  });

  it('a generic match that starts before it gives way to a provider token that starts after it', () => {
    const token = fakes.fake('github.pat.classic');
    const line = `TOKEN=${token}`;
    const { alone, large } = scanBothWays('generic', line, line.indexOf(token));
    expect(alone).toMatchObject([{ ruleId: 'github.pat.classic' }]);
    expect(large).toEqual(alone);
  });

  it('a finding just before it: its snippet shows the secret after the boundary, redacted', () => {
    const [token, next] = [fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic')];
    const line = `first ${token} then ${next}`;
    const { alone, large } = scanBothWays('next', line, line.indexOf(next));
    expect(alone.find((each) => each.secret === token)!.snippet).toBe(`first ${token} then ${next.slice(0, 4)}…${next.slice(-4)}`);
    expect(large).toEqual(alone);
  });
});

describe('columns on a line longer than a chunk', () => {
  const columnsOf = (report: JsonReport) =>
    Object.fromEntries(report.findings.filter((finding) => finding.ruleId === 'github.pat.classic').map((finding) => [finding.secret, finding.occurrences[0]!.column]));
  const expectedColumn = (line: string, token: string) => line.slice(0, line.indexOf(token)).length + 1;

  it('count characters whatever character a boundary splits', () => {
    // Characters of two, three and four bytes (the last two UTF-16 units), shifted by 0 to 8 bytes, so that
    // wherever a chunk's look-behind begins, in most of these files it splits one.
    const text = (length: number) => 'é€𝄞'.repeat(Math.ceil(length / 9));
    const lines = Array.from({ length: 9 }, (_, shift) => {
      const [first, second] = [fakes.fake('github.pat.classic'), fakes.fake('github.pat.classic')];
      return { line: `${'x'.repeat(shift)}${text(1.2 * CHUNK_BYTES)} tok=${first} ${text(CHUNK_BYTES)} tok=${second}`, tokens: [first, second] };
    });
    lines.forEach(({ line }, shift) => env.write(`split/shift-${shift}.txt`, `${line}\n`));
    const columns = columnsOf(scanJson([env.path('split'), '--show-secrets']).report);
    const expected = Object.fromEntries(lines.flatMap(({ line, tokens }) => tokens.map((token) => [token, expectedColumn(line, token)])));
    expect(columns).toEqual(expected);
  });

  it('count from after a byte-order mark', () => {
    const token = fakes.fake('github.pat.classic');
    const line = `${'a'.repeat(CHUNK_BYTES + 100)} tok=${token}`;
    // Past the first chunk's buffer, so that the line goes on into a second chunk.
    env.write('bom/file.txt', `\uFEFF${line} ${'b'.repeat(64 * 1024)}\n`);
    expect(columnsOf(scanJson([env.path('bom'), '--show-secrets']).report)).toEqual({ [token]: expectedColumn(line, token) });
  });
});
