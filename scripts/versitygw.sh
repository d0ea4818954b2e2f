#!/usr/bin/env bash
# Builds versitygw, the S3-compatible server the S3 media store's tests run against (Apache-2.0;
# started as a separate program, never linked into marquee), into the Go build cache unless it
# is already there, and prints its path. internal/media/mediatest looks for it at that path.
set -euo pipefail

version=v1.8.0 # keep in step with mediatest.Version
dir="$(go env GOCACHE)/marquee-versitygw/$version"
if [ ! -x "$dir/versitygw" ]; then
  echo "deps: building versitygw $version for the S3 tests (once; a few minutes)" >&2
  mkdir -p "$dir"
  tmp=$(mktemp -d "$dir/.build-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # Outside any module, so the project's go.mod is neither read nor changed.
  (cd "$tmp" && GOBIN="$tmp" GOFLAGS=-buildvcs=false go install "github.com/versity/versitygw/cmd/versitygw@$version")
  mv "$tmp/versitygw" "$dir/versitygw"
fi
echo "$dir/versitygw"
