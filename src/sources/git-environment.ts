/**
 * The environment of every git sprawl starts. In a partial clone (`--filter=blob:none`) git fetches a
 * missing blob from the remote the moment anything asks for it: a scan would download the whole
 * history's blobs into `.git/objects`. `GIT_NO_LAZY_FETCH` stops that; a missing blob is then counted as
 * not scanned, and the repository is left as it was.
 */
export function gitEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_NO_LAZY_FETCH: '1' };
}
