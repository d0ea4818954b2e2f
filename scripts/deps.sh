#!/usr/bin/env bash
# Installs what a fresh machine lacks: ffmpeg and jq (always); with --browser, what make test
# needs besides: Chromium, nginx, versitygw and Mailpit (the S3 and mail tests' servers, built once into
# the Go cache); then Go modules and npm packages. System packages come from apt when running as root on Debian;
# otherwise this prints the one line to run and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
if [ "${1:-}" = "--browser" ] && [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  need+=(chromium)
fi
# nginx serves the media folder in front of marquee in the CDN tests.
if [ "${1:-}" = "--browser" ] && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  need+=(nginx)
fi
# jq reads govulncheck's findings (make vulncheck).
command -v jq >/dev/null 2>&1 || need+=(jq)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing ${need[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "deps: missing ${need[*]}; install with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

go mod download

if [ "${1:-}" = "--browser" ]; then
  scripts/test-server.sh versitygw >/dev/null
  scripts/test-server.sh mailpit >/dev/null
fi

# npm ci only when the lock file changed since the last install.
stamp=spa/node_modules/.marquee-lock
if [ ! -f "$stamp" ] || ! cmp -s spa/package-lock.json "$stamp"; then
  npm --prefix spa ci --no-audit --no-fund --loglevel=error
  cp spa/package-lock.json "$stamp"
fi
