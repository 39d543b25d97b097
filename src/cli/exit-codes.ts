/** The documented exit codes (README, `sprawl --help`). */
export const EXIT = {
  /** Nothing at or above `--fail-on`. */
  clean: 0,
  /** Findings at or above `--fail-on`. */
  findings: 1,
  /** Bad usage or bad input (a rule file, a path, a flag). */
  userError: 2,
  /** A bug in sprawl. */
  internalError: 3,
} as const;
