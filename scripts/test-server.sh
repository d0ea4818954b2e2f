#!/usr/bin/env bash
# Builds a test server into the Go build cache unless it is already there, and prints its
# path: versitygw (S3-compatible, Apache-2.0) for the S3 media store's tests, or Mailpit (SMTP
# with an HTTP API, MIT) for the mail tests. Each runs as a separate program, never linked
# into marquee; internal/testkit.Tool finds it at GOCACHE/marquee-NAME/VERSION/NAME.
set -euo pipefail

case "${1:-}" in
  versitygw) pkg=github.com/versity/versitygw/cmd/versitygw version=v1.8.0 ;; # keep in step with mediatest.Version
  mailpit) pkg=github.com/axllent/mailpit version=v1.33.1 ;;                  # keep in step with mailtest.Version
  *)
    echo "usage: $0 versitygw|mailpit" >&2
    exit 2
    ;;
esac
name=$1
dir="$(go env GOCACHE)/marquee-$name/$version"
if [ ! -x "$dir/$name" ]; then
  echo "deps: building $name $version for the tests (once; a few minutes)" >&2
  mkdir -p "$dir"
  tmp=$(mktemp -d "$dir/.build-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # Outside any module, so the project's go.mod is neither read nor changed.
  (cd "$tmp" && GOBIN="$tmp" GOFLAGS=-buildvcs=false go install "$pkg@$version")
  mv "$tmp/$name" "$dir/$name"
fi
echo "$dir/$name"
