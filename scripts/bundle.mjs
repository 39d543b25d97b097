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
 */
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'dist/cli.js', worker: 'dist/engine/worker.js' },
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['re2', 'piscina'],
  // Bundled CommonJS dependencies call `require` for Node's own modules.
  banner: { js: "import { createRequire as __sprawlCreateRequire } from 'node:module'; const require = __sprawlCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
