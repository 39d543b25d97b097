#!/usr/bin/env node
/**
 * The `sprawl` executable: hands argv to `cli/main.ts` and exits with the code it returns.
 */
import { main } from './cli/main.js';

// A reader that stops early (`sprawl scan . | head`) closes the pipe: the rest of the report has nowhere
// to go, which is the reader's choice, not a failure of the scan (the exit code still says what it found).
// Any other failure to write is one line and exit code 2, never a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return;
    if (stream !== process.stderr) process.stderr.write(`sprawl: cannot write to standard output (${error.code ?? error.message})\n`);
    process.exit(2);
  });
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
