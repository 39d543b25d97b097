#!/usr/bin/env node
/**
 * Part of `npm run build`, after `tsc`: bundles the compiled CLI and the worker-thread entry into one
 * file each, `dist/bundle/cli.js` (the `sprawl` executable) and `dist/bundle/worker.js`.
 *
 * Why: Node resolves, reads and compiles each of an ESM program's ~120 modules separately, which made up
 * a third of a pre-commit run's 0.3 s; one file loads in a fraction of that. The bundles sit two folders
 * below the package, like every compiled module, so the paths the code resolves from its own location
 * (`../../rules/`, `../../package.json`, `./worker.js` beside the pool) stay right. `re2` (a native
 * addon) and `piscina` (which starts its own worker file) stay outside; the YAML, JSONC and TOML parsers
 * are loaded on first use through `createRequire`, which a bundle keeps as it is.
 *
 * The bundles are CommonJS (`dist/bundle/package.json` says so), though the sources are ESM: Node starts
 * its ESM loader for an ESM entry, which cost every run about 20 ms before the first line of sprawl ran
 * (`sprawl --version` 86 ms → 65, a small scan through the worker pool 259 → 231, medians of twelve).
 */
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'dist/cli.js', worker: 'dist/engine/worker.js' },
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['re2', 'piscina'],
  // The modules find files beside them (`../../rules/`) from their own URL, which a CommonJS file knows as `__filename`.
  define: { 'import.meta.url': '__sprawlModuleUrl' },
  banner: { js: "const __sprawlModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
// The package is ESM (`"type": "module"`); the bundles are CommonJS, which Node loads without starting its ESM loader.
writeFileSync('dist/bundle/package.json', `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
