/**
 * Errors that are the user's to fix (a bad rule file, a missing path, a wrong flag). They carry a stable
 * `code` and a message that already names the file and what is wrong; `cli/main.ts` prints them as one
 * line and exits 2. Anything that is not a UserError is a bug in sprawl and exits 3.
 */
export type UserErrorCode =
  | 'usage'
  | 'rule-invalid'
  | 'rules-not-found'
  | 'path-not-found'
  | 'path-unreadable'
  | 'config-invalid'
  | 'output-not-writable'
  | 'git-error';

export class UserError extends Error {
  readonly code: UserErrorCode;

  constructor(code: UserErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserError';
    this.code = code;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
