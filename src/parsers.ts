/**
 * The parser libraries (yaml, jsonc-parser, smol-toml), loaded on first use. Loading them takes about
 * 80 ms, which every worker thread and every pre-commit run would pay, while most scans never parse a
 * file of these kinds (the rule catalogue comes from its JSON cache; `.sprawl.yml` is often absent).
 * They ship CommonJS builds, so a synchronous `require` can load them where they are needed.
 */
import { createRequire } from 'node:module';
import type * as JsoncLibrary from 'jsonc-parser';
import type * as TomlLibrary from 'smol-toml';
import type * as YamlLibrary from 'yaml';

const require = createRequire(import.meta.url);

let yaml: typeof YamlLibrary | undefined;
let jsonc: typeof JsoncLibrary | undefined;
let toml: typeof TomlLibrary | undefined;

export function yamlLibrary(): typeof YamlLibrary {
  return (yaml ??= require('yaml') as typeof YamlLibrary);
}

export function jsoncLibrary(): typeof JsoncLibrary {
  return (jsonc ??= require('jsonc-parser') as typeof JsoncLibrary);
}

export function tomlLibrary(): typeof TomlLibrary {
  return (toml ??= require('smol-toml') as typeof TomlLibrary);
}
