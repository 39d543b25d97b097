/**
 * Offline validators for the ai rule family (rules/ai-llm.yml, rules/ai-platforms.yml). Each entry is
 * named by the rules that use it; see validator.ts for the contract.
 */
import type { Validator } from './validator.js';

/**
 * OpenAI API keys carry `T3BlbkFJ`, the base64 encoding of "OpenAI", between two random halves of equal
 * length: 20 + 20 characters in legacy `sk-` keys, 58 + 58 or 74 + 74 in the `sk-proj-`, `sk-svcacct-`,
 * `sk-admin-` and `sk-None-` keys (see the key formats listed at https://platform.openai.com/docs/api-reference/authentication
 * and the examples in https://help.openai.com/en/articles/9186755-managing-your-work-in-the-api-platform-with-projects).
 * No checksum is documented, so the check is structural: the marker must sit exactly in the middle.
 */
const OPENAI_MARKER = 'T3BlbkFJ';
const OPENAI_KINDS: ReadonlyArray<[prefix: string, kind: string]> = [
  ['sk-proj-', 'project'],
  ['sk-svcacct-', 'service-account'],
  ['sk-admin-', 'admin'],
  ['sk-None-', 'user'],
  ['sk-', 'legacy-user'],
];
const OPENAI_HALF_LENGTHS = new Set([20, 58, 74]);

export const openaiKeyMarkerValidator: Validator = {
  name: 'openai-key-marker',
  check(secret) {
    const [prefix, kind] = OPENAI_KINDS.find(([candidate]) => secret.startsWith(candidate)) ?? ['', 'unknown'];
    const body = secret.slice(prefix.length);
    const at = body.indexOf(OPENAI_MARKER);
    if (!prefix || at < 0) return { kind: 'reject', reason: 'no base64 "OpenAI" marker (T3BlbkFJ) in the key' };
    const before = at;
    const after = body.length - at - OPENAI_MARKER.length;
    if (before !== after || !OPENAI_HALF_LENGTHS.has(before)) {
      return { kind: 'checksum-failed', evidence: `OpenAI marker is off-centre (${before} + ${after} characters): probably an edited or truncated key` };
    }
    return { kind: 'valid', evidence: 'the base64 "OpenAI" marker sits between two equal random halves', attributes: { openaiKeyKind: kind } };
  },
};

/**
 * Short prefixes such as Fireworks' `fw_` also start ordinary identifiers (`fw_getFirmwareVersionString` in
 * firmware code). A random base62 body of 24 or more characters almost always holds a digit (a digit-free one
 * has odds of about 1 in 60), an identifier almost never does; so a body without a digit is not a key.
 */
export const randomBodyHasDigitValidator: Validator = {
  name: 'ai-random-body-has-digit',
  check(secret) {
    const body = secret.replace(/^[a-z0-9]+[_-]/, '');
    return /[0-9]/.test(body)
      ? { kind: 'valid', evidence: 'the random part mixes letters and digits' }
      : { kind: 'reject', reason: 'no digit in the random part: an identifier, not a key' };
  },
};

export const aiValidators: readonly Validator[] = [openaiKeyMarkerValidator, randomBodyHasDigitValidator];
