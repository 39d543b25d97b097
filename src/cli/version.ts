import { readFileSync } from 'node:fs';

/** The package version, read from package.json next to `dist/` (or `src/` under tests). */
export function toolVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}
