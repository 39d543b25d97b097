/**
 * `--debug` (or SPRAWL_DEBUG=1): a trace of what a run did, on stderr, for bug reports. It logs counts,
 * timings, rule ids and fingerprints; a `Secret` prints redacted by construction, so the trace can be
 * pasted into an issue. A test greps it, with every output format, for the raw values of a scan.
 */
import { formatWithOptions } from 'node:util';

let enabled = false;

export function enableDebugLog(): void {
  enabled = true;
}

export function debugLog(format: string, ...values: unknown[]): void {
  if (enabled) process.stderr.write(`sprawl[debug] ${formatWithOptions({ colors: false, depth: 4 }, format, ...values)}\n`);
}
