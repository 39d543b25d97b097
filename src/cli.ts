#!/usr/bin/env node
/**
 * The `sprawl` executable: hands argv to `cli/main.ts` and exits with the code it returns.
 */
import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2));
