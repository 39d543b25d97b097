/**
 * How a person types a made-up value, which no generator produces by chance: runs of characters in
 * alphabet or keyboard order (`abcdefgh`, `123456`, `qwerty`) and letters mashed on the home row
 * (`lsdajfh923874`). One module for the questions the validators ask: is there an ascending run of a
 * given length, is the whole value one run, does a value a person may have typed hold any run at all,
 * and was it typed on the home row.
 */

/**
 * An ascending run of `length` characters (`klmnopqr`, `12345678`), case as written. In a random base62
 * token a run of eight starts at a given place with odds of one in 62⁷ (3.5 trillion): any run that long
 * in a provider's token says it was typed, not generated.
 */
export function hasAscendingRun(value: string, length: number): boolean {
  let run = 1;
  for (let index = 1; index < value.length; index++) {
    run = value.charCodeAt(index) === value.charCodeAt(index - 1) + 1 ? run + 1 : 1;
    if (run >= length) return true;
  }
  return false;
}

/**
 * The whole value is one run, up or down (`abcdef`, `123456`, `987654`), at least six long. For
 * passwords, which may hold `abcdef` among other characters and still be real.
 */
export function isWholeRun(value: string): boolean {
  if (value.length < 6) return false;
  const step = stepBetween(value, 1);
  if (step !== 1 && step !== -1) return false;
  for (let index = 2; index < value.length; index++) if (stepBetween(value, index) !== step) return false;
  return true;
}

/** From the character before `index` to the one at it; the digit row of a keyboard goes on from 9 to 0 (`1234567890`). */
function stepBetween(value: string, index: number): number {
  const before = value[index - 1];
  const at = value[index];
  if (before === '9' && at === '0') return 1;
  if (before === '0' && at === '9') return -1;
  return value.charCodeAt(index) - value.charCodeAt(index - 1);
}

/**
 * Any run a person types for a fake key, in either case and direction: `runLength` letters or digits in
 * order, two runs of four, a run hidden by interleaving (`a1b2c3d4e5f6`), or a keyboard row (`qwerty`).
 * For values judged by context alone (a generic `api_key = …`), where a typed value is the usual case.
 */
export function hasSequentialRun(value: string, runLength = 6): boolean {
  const lower = value.toLowerCase();
  let up = 1;
  let down = 1;
  let shortRuns = 0;
  for (let index = 1; index < lower.length; index++) {
    const step = lower.charCodeAt(index) - lower.charCodeAt(index - 1);
    const isAlphanumeric = isLetterOrDigit(lower.charCodeAt(index));
    up = step === 1 && isAlphanumeric ? up + 1 : 1;
    down = step === -1 && isAlphanumeric ? down + 1 : 1;
    if (up >= runLength || down >= runLength) return true;
    if (up === 4 || down === 4) shortRuns++;
  }
  if (shortRuns >= 2) return true;
  const lettersOnly = lower.replace(/[^a-z]/g, '');
  const digitsOnly = lower.replace(/[^0-9]/g, '');
  if (lettersOnly !== lower && lettersOnly.length >= 6 && /abcdef|bcdefg|cdefgh|defghi|efghij|fghijk|ghijkl/.test(lettersOnly)) return true;
  if (digitsOnly !== lower && /123456|234567|345678|456789|567890/.test(digitsOnly)) return true;
  return /qwerty|asdfgh|zxcvbn/.test(lower);
}

function isLetterOrDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a);
}

/**
 * `lsdajfh923874`, `kjfch2345sdf`: what a person types for an example token, mostly on the keyboard's
 * home row. Generated tokens use the whole alphabet, about a third of their letters falling on the home
 * row; a short one (24 characters at most) with three home-row letters in a row, at least three in four
 * of its letters there and a letter past `f` (hex digits are half home row) was typed. Random tokens of
 * 12 to 24 lower-case letters and digits meet that 0.4 to 8 times in a thousand (measured: 3 for 16).
 */
export function isKeyboardMash(value: string): boolean {
  if (value.length > 24 || !/^[a-z0-9]+$/.test(value) || !/[g-z]/.test(value)) return false;
  const letters = value.replace(/[0-9]/g, '');
  if (letters.length < 6) return false;
  const homeRow = letters.replace(/[^asdfghjkl]/g, '').length;
  return homeRow / letters.length >= 0.75 && /[asdfghjkl]{3}/.test(value);
}
