#!/usr/bin/env bash
# Vendors the files of the Système de Design de l'État (DSFR) that the web desk uses, from the
# npm registry, into backend/assets/dsfr/ (served from the binary; committed with this script).
# Run again only to change the version: `bash backend/assets/fetch-dsfr.sh`.
set -euo pipefail
VERSION=1.15.3
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack "@gouvfr/dsfr@$VERSION" --silent > /dev/null && tar xzf ./*.tgz)
DIST="$WORK/package/dist"
OUT="$HERE/dsfr"
rm -rf "$OUT"
mkdir -p "$OUT/fonts"
cp "$DIST/dsfr.min.css" "$DIST/dsfr.module.min.js" "$OUT/"
cp "$DIST"/fonts/*.woff2 "$OUT/fonts/"
# Only the icons the stylesheet itself points at.
grep -o 'url(icons/[^)]*)' "$DIST/dsfr.min.css" | sed 's/^url(//; s/)$//' | sort -u |
  while read -r icon; do
    mkdir -p "$OUT/$(dirname "$icon")"
    cp "$DIST/$icon" "$OUT/$icon"
  done
cp "$WORK/package/LICENSE.md" "$OUT/LICENSE.md" 2>/dev/null || true
echo "DSFR $VERSION" > "$OUT/VERSION"
