/**
 * The parser libraries (yaml, jsonc-parser, smol-toml) and archive readers (adm-zip, tar), loaded on
 * first use. Loading the parsers takes about 80 ms and the archive readers 13 ms, which every worker
 * thread and every pre-commit run would pay, while most scans never parse a file of these kinds (the
 * rule catalogue comes from its JSON cache; `.sprawl.yml` is often absent) nor meet an archive.
 * They ship CommonJS builds, so a synchronous `require` can load them where they are needed.
 */
import { createRequire } from 'node:module';
import type AdmZipLibrary from 'adm-zip';
import type * as JsoncLibrary from 'jsonc-parser';
import type * as TomlLibrary from 'smol-toml';
import type * as TarLibrary from 'tar';
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

let zip: typeof AdmZipLibrary | undefined;
let tar: typeof TarLibrary | undefined;

export function zipLibrary(): typeof AdmZipLibrary {
  return (zip ??= require('adm-zip') as typeof AdmZipLibrary);
}

export function tarLibrary(): typeof TarLibrary {
  return (tar ??= require('tar') as typeof TarLibrary);
}
