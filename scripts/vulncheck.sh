#!/usr/bin/env bash
# govulncheck over the whole module, against a pinned copy of the Go vulnerability database.
#
# The database is built from the golang.org/x/vulndb module (its OSV files, fetched through
# the Go module proxy like any dependency) into the Go build cache, so the check works
# behind a firewall that lets only the module proxy through, and gives the same answer for
# the same pin. Move VULNDB_VERSION forward to take newer advisories.
#
# Fails when code in this module reaches a vulnerable function of a dependency. Findings
# in the standard library are printed but do not fail: they are fixed by building with a
# newer Go patch release, which is a property of the toolchain a release is built with
# (see docs/SECURITY.md), not of this tree.
set -euo pipefail
cd "$(dirname "$0")/.."

VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0

db="$(go env GOCACHE)/marquee-vulndb/$VULNDB_VERSION"
if [ ! -f "$db/index/db.json" ]; then
  echo "building the vulnerability database $VULNDB_VERSION into $db"
  src=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | jq -r .Dir)
  rm -rf "$db.tmp" && mkdir -p "$(dirname "$db")"
  go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$db.tmp"
  rm -rf "$db" && mv "$db.tmp" "$db"
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
go run "$GOVULNCHECK" -db "file://$db" -format json ./... >"$out"

# A finding whose trace starts at a function is one our code calls; the rest are only
# imported or required.
called() {
  jq -r --arg which "$1" 'select(.finding) | .finding | select(.trace[0].function != null)
    | select(($which == "stdlib") == (.trace[0].module == "stdlib"))
    | "  \(.osv)  \(.trace[0].module)@\(.trace[0].version // "?")  fixed in \(.fixed_version // "no release yet")"' "$out" | sort -u
}
stdlib=$(called stdlib)
modules=$(called modules)
if [ -n "$stdlib" ]; then
  echo "standard library: build releases with the Go release that fixes these ($(go env GOVERSION) here):"
  echo "$stdlib"
fi
if [ -n "$modules" ]; then
  echo "dependencies with vulnerabilities that this code calls; upgrade them:"
  echo "$modules"
  exit 1
fi
echo "govulncheck: no called vulnerability in any dependency (database $VULNDB_VERSION)"
