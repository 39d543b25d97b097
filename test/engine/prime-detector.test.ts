import { describe, expect, it } from 'vitest';
import { primeDetector } from '../../src/engine/prime-detector.js';

describe('the detector primer', () => {
  it('takes every path it is there for, so that V8 has seen them all before it optimises the detector', () => {
    const outcome = primeDetector();
    if (outcome.kind !== 'scanned') throw new Error(`the primer text was not scanned: ${outcome.kind}`);
    const found = outcome.matches.map((match) => match.ruleId);
    // A validated match with a case-sensitive opening, twice on short lines and once on the long line.
    expect(found.filter((id) => id === 'primer.token')).toHaveLength(3);
    expect(outcome.matches.find((match) => match.ruleId === 'primer.token')?.verdict).toBeDefined();
    // A verdict of each shape: with evidence (above), with attributes, and a rejection (primer.signed).
    const decoded = outcome.matches.find((match) => match.ruleId === 'primer.decoded')?.verdict;
    expect(decoded?.kind === 'valid' ? decoded.attributes : undefined).toMatchObject({ alg: 'none' });
    expect(found).not.toContain('primer.signed');
    // The generic match under the specific one gave way to it.
    expect(found).not.toContain('generic.primer');
    // Both parts of the split rule, both rules behind the shared gate, the multiline rule.
    expect(found.filter((id) => id === 'primer.split')).toHaveLength(2);
    expect(found.filter((id) => id === 'primer.token-pair')).toHaveLength(2);
    expect(found).toContain('primer.block');
    // The run cut by its first window came back whole from the wider look.
    expect(outcome.matches.find((match) => match.ruleId === 'primer.run')?.secret).toHaveLength(404);
  });
});
