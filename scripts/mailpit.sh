#!/usr/bin/env bash
# Builds Mailpit, the SMTP server the mail tests deliver to and read back through its HTTP API
# (MIT; started as a separate program, never linked into marquee), into the Go build cache
# unless it is already there, and prints its path. internal/mail/mailtest looks for it there.
set -euo pipefail

version=v1.33.1 # keep in step with mailtest.Version
dir="$(go env GOCACHE)/marquee-mailpit/$version"
if [ ! -x "$dir/mailpit" ]; then
  echo "deps: building mailpit $version for the mail tests (once; a few minutes)" >&2
  mkdir -p "$dir"
  tmp=$(mktemp -d "$dir/.build-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # Outside any module, so the project's go.mod is neither read nor changed.
  (cd "$tmp" && GOBIN="$tmp" GOFLAGS=-buildvcs=false go install "github.com/axllent/mailpit@$version")
  mv "$tmp/mailpit" "$dir/mailpit"
fi
echo "$dir/mailpit"
