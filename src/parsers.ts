/**
 * The parser libraries (yaml, jsonc-parser, smol-toml), archive readers (adm-zip, tar) and simple-git,
 * loaded on first use. Loading the parsers takes about 80 ms, the archive readers 13 ms and simple-git
 * 22 ms, which every worker thread and every pre-commit run would pay, while most scans never parse a
 * file of these kinds (the rule catalogue comes from its JSON cache; `.sprawl.yml` is often absent), nor
 * meet an archive, nor run a git command that is not on their path (see git.ts).
 * They ship CommonJS builds, so a synchronous `require` can load them where they are needed.
 */
import { createRequire } from 'node:module';
import type AdmZipLibrary from 'adm-zip';
import type * as JsoncLibrary from 'jsonc-parser';
import type * as SimpleGitLibrary from 'simple-git';
import type * as TomlLibrary from 'smol-toml';
import type * as TarLibrary from 'tar';
import type * as YamlLibrary from 'yaml';

const require = createRequire(import.meta.url);

/** A function that loads the named library on its first call and returns the same module after. */
function onFirstUse<Library>(name: string): () => Library {
  let loaded: Library | undefined;
  return () => (loaded ??= require(name) as Library);
}

export const yamlLibrary = onFirstUse<typeof YamlLibrary>('yaml');
export const jsoncLibrary = onFirstUse<typeof JsoncLibrary>('jsonc-parser');
export const tomlLibrary = onFirstUse<typeof TomlLibrary>('smol-toml');
export const zipLibrary = onFirstUse<typeof AdmZipLibrary>('adm-zip');
export const tarLibrary = onFirstUse<typeof TarLibrary>('tar');
export const simpleGitLibrary = onFirstUse<typeof SimpleGitLibrary>('simple-git');
