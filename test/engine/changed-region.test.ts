/**
 * Scanning a file's new version only where it changed must find exactly what scanning it whole finds:
 * the same matches, lines, columns, byte offsets and snippets. Checked on real source text (this
 * repository's own code) with the positive examples of every built-in rule placed in it, and on many
 * seeded edits: lines inserted, deleted and replaced, secrets added, changed and removed, edits right
 * beside a secret and a margin away from one, and private keys that outgrow any margin.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanChangedRegion } from '../../src/engine/changed-region.js';
import { scanBytes } from '../../src/engine/chunked-scan.js';
import type { LocatedMatch } from '../../src/engine/worker-protocol.js';
import { compileRuleset } from '../../src/ruleset/compile-rules.js';
import { ExampleFiller, SeededRandom } from '../../src/ruleset/fake-secrets.js';
import { BUILTIN_RULES_DIR, loadRules } from '../../src/ruleset/load-rules.js';
import { matcherSpecOf } from '../../src/ruleset/rule.js';

const rules = loadRules([BUILTIN_RULES_DIR]);
const ruleById = new Map(rules.map((rule) => [rule.id, rule]));
const ruleset = compileRuleset(rules.map(matcherSpecOf));

/** Real code with no secrets in it: this repository's sources (which `sprawl scan .` holds to nothing found). */
const codeLines = readdirSync(path.resolve('src/engine'))
  .filter((name) => name.endsWith('.ts'))
  .sort()
  .flatMap((name) => readFileSync(path.resolve('src/engine', name), 'utf8').split('\n'));

/** Every built-in rule's positive examples, filled with fresh fakes: lines (or blocks of lines) that hold a secret. */
function secretSnippets(random: SeededRandom): string[] {
  return rules.flatMap((rule) =>
    rule.examples
      .filter((example) => example.file === undefined)
      .map((example) => new ExampleFiller(rule, random, (id) => ruleById.get(id)).fill(example.text).replace(/\n$/, '')),
  );
}

function fullScan(bytes: Buffer): LocatedMatch[] {
  const outcome = scanBytes('changed.ts', bytes, ruleset);
  if (outcome.kind !== 'scanned') throw new Error('the text was not scanned');
  return outcome.matches;
}

/** The margin the module keeps around a change (MARGIN_BYTES there). */
const MARGIN = 1024;
const spanningSnippets = secretSnippets(new SeededRandom('changed-region-spanning')).filter((snippet) => snippet.includes('\n'));

const inOrder = (matches: readonly LocatedMatch[]) => [...matches].sort((a, b) => a.byteOffset - b.byteOffset || (a.ruleId < b.ruleId ? -1 : 1));

type Edit = (lines: string[], random: SeededRandom, snippets: string[]) => void;

/** Where an edit lands: anywhere, or right beside a line that holds a secret, or about a margin away from one. */
function positionNear(lines: string[], random: SeededRandom, secretLines: ReadonlySet<string>): number {
  const holders = lines.flatMap((line, index) => (secretLines.has(line) ? [index] : []));
  const choice = random.int(0, 3);
  if (choice === 0 || holders.length === 0) return random.int(0, lines.length);
  const holder = holders[random.int(0, holders.length - 1)]!;
  const distance = choice === 1 ? random.int(-2, 2) : random.int(-60, 60); // beside it, or ~1 KB of code away
  return Math.max(0, Math.min(lines.length, holder + distance));
}

const EDITS: Record<string, Edit> = {
  'insert code': (lines, random) => lines.splice(random.int(0, lines.length), 0, ...codeLines.slice(0, random.int(1, 20))),
  'insert a secret': (lines, random, snippets) => lines.splice(random.int(0, lines.length), 0, snippets[random.int(0, snippets.length - 1)]!),
  'delete lines': (lines, random) => lines.splice(random.int(0, lines.length - 1), random.int(1, 30)),
  'replace a line': (lines, random) => lines.splice(random.int(0, lines.length - 1), 1, `// changed ${random.int(0, 1e6)}`),
  'append at the end': (lines) => lines.push('// appended'),
  'change the first line': (lines) => lines.splice(0, 1, '// a new first line'),
};

describe('scanning only what changed since the version before (changed-region.ts)', () => {
  it('finds exactly what a whole scan finds, over many seeded edits of real code holding every rule\'s examples', () => {
    let taken = 0;
    const cases = 160;
    const snippets = secretSnippets(new SeededRandom('changed-region-snippets'));
    for (let seed = 0; seed < cases; seed++) {
      const random = new SeededRandom(`changed-region-${seed}`);
      // A version before: real code of 8–60 KB, with a few secrets (some multi-line) among its lines.
      const start = random.int(0, codeLines.length - 2000);
      const lines = codeLines.slice(start, start + random.int(200, 1600));
      const placed = new Set<string>();
      for (let count = random.int(2, 10); count > 0; count--) {
        const snippet = snippets[random.int(0, snippets.length - 1)]!;
        for (const line of snippet.split('\n')) placed.add(line);
        lines.splice(random.int(0, lines.length), 0, snippet);
      }
      const before = Buffer.from(lines.join('\n') + '\n');
      // The next version: one to three edits, many of them beside a secret.
      const edited = lines.join('\n').split('\n');
      const names = Object.keys(EDITS);
      for (let count = random.int(1, 3); count > 0; count--) {
        const name = names[random.int(0, names.length - 1)]!;
        if (name === 'insert a secret' || name === 'insert code') {
          const at = positionNear(edited, random, placed);
          const text = name === 'insert a secret' ? [snippets[random.int(0, snippets.length - 1)]!] : codeLines.slice(0, random.int(1, 20));
          edited.splice(at, 0, ...text);
        } else if (name === 'replace a line') {
          const at = Math.min(edited.length - 1, positionNear(edited, random, placed));
          edited.splice(at, 1, `// changed ${random.int(0, 1e6)}`);
        } else {
          EDITS[name]!(edited, random, snippets);
        }
      }
      const after = Buffer.from(edited.join('\n') + '\n');
      const region = scanChangedRegion({ bytes: before, matches: fullScan(before) }, after, ruleset);
      if (!region) continue;
      taken++;
      expect(inOrder(region.matches), `seed ${seed}`).toEqual(inOrder(fullScan(after)));
      expect(region.bytes).toBe(after.length);
    }
    // Most edits leave enough unchanged to carry over; if none did, this test would check nothing.
    expect(taken).toBeGreaterThan(cases / 2);
  });

  it('finds the same where an edit changes a line of a secret that spans lines, or a line beside it', () => {
    // A key on one line and its value on the next (YAML, JSON, a Kubernetes manifest): the change of one
    // must not leave the other's match carried over unchanged.
    // Code enough before the snippet (200 lines, 8–10 KB) that the carried part passes the 4 KiB the scan asks for, whichever file sorts first.
    const head = codeLines.slice(0, 200).join('\n');
    const tail = codeLines.slice(200, 220).join('\n');
    let taken = 0;
    let cases = 0;
    for (const snippet of spanningSnippets) {
      const lines = snippet.split('\n');
      const before = Buffer.from(`${head}\n${snippet}\n${tail}\n`);
      const previous = { bytes: before, matches: fullScan(before) };
      for (let edited = -1; edited <= lines.length; edited++) {
        for (const change of ['// changed', '']) {
          const changed = [...lines];
          if (edited < 0) changed.unshift(change);
          else if (edited === lines.length) changed.push(change);
          else changed[edited] = change;
          const after = Buffer.from(`${head}\n${changed.join('\n')}\n${tail}\n`);
          const region = scanChangedRegion(previous, after, ruleset);
          cases++;
          if (!region) continue;
          taken++;
          expect(inOrder(region.matches), `line ${edited} of ${JSON.stringify(lines.map((line) => line.slice(0, 30)))}`).toEqual(inOrder(fullScan(after)));
        }
      }
    }
    expect(taken).toBeGreaterThan(cases / 2);
  });

  it('finds the same where the first scanned line falls inside a secret that spans lines (its first lines are read as context)', () => {
    const head = codeLines.slice(0, 200).join('\n');
    const tail = codeLines.slice(200, 210).join('\n');
    let taken = 0;
    for (const snippet of spanningSnippets) {
      const lines = snippet.split('\n');
      for (let inside = 1; inside < lines.length; inside++) {
        // Filler after the secret, so that the line a margin before the change is line `inside` of the secret.
        const lineStart = head.length + 1 + lines.slice(0, inside).join('\n').length + 1;
        const fillerLength = lineStart + MARGIN - (head.length + 1 + snippet.length + 1) - 1 - '// '.length;
        if (fillerLength < 0) continue;
        const filler = `// ${'word '.repeat(fillerLength).slice(0, fillerLength)}`;
        const before = Buffer.from(`${head}\n${snippet}\n${filler}\n${tail}\n`);
        const after = Buffer.from(`${head}\n${snippet}\n${filler}\n// changed\n${tail}\n`);
        const region = scanChangedRegion({ bytes: before, matches: fullScan(before) }, after, ruleset);
        if (!region) continue;
        taken++;
        expect(inOrder(region.matches), `line ${inside} of ${JSON.stringify(lines.map((line) => line.slice(0, 30)))}`).toEqual(inOrder(fullScan(after)));
      }
    }
    expect(taken).toBeGreaterThan(100);
  });

  it('carries a secret before the change at its place, and one after it shifted by the lines the edit added', () => {
    const random = new SeededRandom('changed-region-shift');
    const filler = new ExampleFiller(ruleById.get('github.pat.classic')!, random, (id) => ruleById.get(id));
    const token = filler.fill('{{fake}}');
    const code = codeLines.slice(0, 400).join('\n');
    const before = Buffer.from(`const first = "${token}";\n${code}\n// middle\n${code}\nconst last = "${token}";\n`);
    const after = Buffer.from(`const first = "${token}";\n${code}\n// middle\n// two\n// new lines\n${code}\nconst last = "${token}";\n`);
    const region = scanChangedRegion({ bytes: before, matches: fullScan(before) }, after, ruleset);
    expect(region).toBeDefined();
    const lines = after.toString().split('\n');
    expect(region!.matches.map((match) => [match.line, match.column])).toEqual([
      [1, 16],
      [lines.length - 1, 15],
    ]);
    expect(region!.matches).toEqual(fullScan(after));
  });

  it('scans the whole file where a change comes near a multi-line secret, which can outgrow any margin', () => {
    const random = new SeededRandom('changed-region-multiline');
    const rule = rules.find((each) => each.id.startsWith('private-key.') && each.examples.some((example) => example.text.includes('\n')))!;
    const key = new ExampleFiller(rule, random, (id) => ruleById.get(id)).fill(rule.examples.find((example) => example.text.includes('\n'))!.text);
    const code = codeLines.slice(0, 400).join('\n');
    const before = Buffer.from(`${code}\n${key}\n${code}\n`);
    const after = Buffer.from(`${code}\n${key}\n// edited\n${code}\n`);
    expect(scanChangedRegion({ bytes: before, matches: fullScan(before) }, after, ruleset)).toBeUndefined();
  });

  it('scans the whole file when too little is left unchanged to carry, or when encoded text is decoded', () => {
    const code = Buffer.from(codeLines.slice(0, 400).join('\n'));
    const changedEverywhere = Buffer.from(code.toString().replace(/e/g, 'E'));
    expect(scanChangedRegion({ bytes: code, matches: [] }, changedEverywhere, ruleset)).toBeUndefined();
    const decoding = compileRuleset(rules.map(matcherSpecOf), { decodeDepth: 2 });
    expect(scanChangedRegion({ bytes: code, matches: [] }, Buffer.concat([code, Buffer.from('\n// more\n')]), decoding)).toBeUndefined();
  });
});
