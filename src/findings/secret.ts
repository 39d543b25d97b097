/**
 * A secret value that is hard to leak by accident: printing, logging, `JSON.stringify` and
 * `util.inspect` all show the redacted form. Only `reveal()` gives the raw value, and only reporters call
 * it, only when the user passed `--show-secrets`.
 */
import { inspect } from 'node:util';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The raw value. Call only to print it on the user's explicit request. */
  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  /** `AKIA…Q7XZ`-style: enough to recognise a value you hold, never enough to use it. */
  redacted(): string {
    return redact(this.#value);
  }

  toString(): string {
    return this.redacted();
  }

  toJSON(): string {
    return this.redacted();
  }

  [inspect.custom](): string {
    return `Secret(${this.redacted()})`;
  }
}

/**
 * Shows at most a fifth of a value, split between its two ends and never more than 4 characters each:
 * short values show nothing, and multi-line values (keys) show only their first line's start.
 */
export function redact(value: string): string {
  const firstLine = value.split(/\r?\n/, 1)[0] ?? '';
  if (firstLine !== value) return `${firstLine.slice(0, 40)}…(redacted ${value.length} chars)`;
  const visible = Math.min(4, Math.floor(value.length / 10));
  if (visible === 0) return '*'.repeat(Math.min(value.length, 8));
  return `${value.slice(0, visible)}…${value.slice(-visible)}`;
}
