/**
 * The environment of every git sprawl starts:
 * - `GIT_NO_LAZY_FETCH`: in a partial clone (`--filter=blob:none`) git fetches a missing blob from the
 *   remote the moment anything asks for it, so a scan would download the whole history's blobs into
 *   `.git/objects`. Stopped, a missing blob is counted as not scanned, and the repository is left as it was;
 * - `GIT_NO_REPLACE_OBJECTS`: `git replace` (a graft that drops a commit from the history shown) would hide
 *   the replaced commits and their blobs, which every clone still gets: history is scanned as stored.
 */
export function gitEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_NO_LAZY_FETCH: '1', GIT_NO_REPLACE_OBJECTS: '1' };
}
