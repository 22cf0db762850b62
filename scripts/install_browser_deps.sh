#!/usr/bin/env bash
# Dependencies of the browser suite (tests/browser), idempotent:
#  * Debian's Chromium and fonts (apt), never a browser download: Playwright drives the
#    system browser through ADUAN_CHROMIUM (default /usr/bin/chromium);
#  * axe-core from the npm registry, pinned in tests/browser/package-lock.json (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

need=()
command -v "${ADUAN_CHROMIUM:-/usr/bin/chromium}" >/dev/null 2>&1 || need+=(chromium)
for pkg in fonts-dejavu-core fonts-liberation; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (apt)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

lock=tests/browser/package-lock.json
stamp=tests/browser/node_modules/.aduan-lock
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ] || ! cmp -s "$lock" "$stamp"; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  cp "$lock" "$stamp"
fi
echo "browser suite dependencies: $("${ADUAN_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | head -1), axe-core $(node -p "require('./tests/browser/node_modules/axe-core/package.json').version")"
