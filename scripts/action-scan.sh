#!/usr/bin/env bash
# The scan step of action.yml. Chooses what to scan from the event: on a pull request only the commits it
# adds (`sprawl git --range base..head`, commit messages included), on a push only the pushed commits,
# otherwise (a schedule, a manual run, a new branch) the whole history. Writes SARIF and records the exit
# code as a step output instead of failing here, so that the report is uploaded before the check fails.
# Inputs come as SPRAWL_* variables (see action.yml); GITHUB_OUTPUT and RUNNER_TEMP are set by the runner.
set -uo pipefail

sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/sprawl.sarif"
rm -f "$sarif"
args=(--format sarif --output "$sarif" --fail-on "${SPRAWL_FAIL_ON:-high}")
[ -n "${SPRAWL_CONFIG:-}" ] && args+=(--config "$SPRAWL_CONFIG")
[ -n "${SPRAWL_BASELINE:-}" ] && args+=(--baseline "$SPRAWL_BASELINE")
repo="${SPRAWL_PATH:-.}"
no_commit='0000000000000000000000000000000000000000'

base=''
head=''
if [ "${SPRAWL_FULL_HISTORY:-false}" != 'true' ]; then
  case "${SPRAWL_EVENT:-}" in
    pull_request | pull_request_target) base="${SPRAWL_PR_BASE:-}" head="${SPRAWL_PR_HEAD:-}" ;;
    push) [ "${SPRAWL_PUSH_BEFORE:-$no_commit}" != "$no_commit" ] && base="$SPRAWL_PUSH_BEFORE" head="${SPRAWL_PUSH_AFTER:-HEAD}" ;;
  esac
fi

# A shallow checkout may lack the base commit: fetch it, or say that the whole history is scanned instead.
if [ -n "$base" ] && ! git -C "$repo" cat-file -e "$base^{commit}" 2>/dev/null; then
  git -C "$repo" fetch --no-tags --quiet origin "$base" 2>/dev/null || true
  if ! git -C "$repo" cat-file -e "$base^{commit}" 2>/dev/null; then
    echo "sprawl: base commit $base is not in the checkout (use actions/checkout with fetch-depth: 0); scanning the whole history" >&2
    base=''
  fi
fi

if [ -n "$base" ]; then
  echo "sprawl: scanning what $base..$head adds" >&2
  node "$SPRAWL_CLI" git "$repo" --range "$base..$head" "${args[@]}"
elif git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
  echo "sprawl: scanning the whole history" >&2
  node "$SPRAWL_CLI" git "$repo" "${args[@]}"
else
  echo "sprawl: $repo is not a git repository; scanning its files" >&2
  node "$SPRAWL_CLI" scan "$repo" "${args[@]}"
fi
code=$?

# A SARIF file only exists when the scan got as far as reporting (not after an input error).
if [ -f "$sarif" ]; then echo "sarif-file=$sarif" >>"${GITHUB_OUTPUT:-/dev/null}"; fi
echo "exit-code=$code" >>"${GITHUB_OUTPUT:-/dev/null}"
exit 0
