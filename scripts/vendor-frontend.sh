#!/usr/bin/env bash
# Copies the pinned front-end packages from npm into internal/web/static/vendor.
# Run by hand when a version changes; the result is committed, so neither
# builds nor the server download anything.
set -euo pipefail
HTMX=2.0.11
PICO=2.1.1
dest="$(cd "$(dirname "$0")/.." && pwd)/internal/web/static/vendor"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "htmx.org@$HTMX" "@picocss/pico@$PICO" >/dev/null
tar -xzf "htmx.org-$HTMX.tgz" && cp package/dist/htmx.min.js "$dest/htmx.min.js" && rm -rf package
tar -xzf "picocss-pico-$PICO.tgz" && cp package/css/pico.min.css "$dest/pico.min.css"
printf 'htmx.org %s\n@picocss/pico %s\n' "$HTMX" "$PICO" > "$dest/VERSIONS"
