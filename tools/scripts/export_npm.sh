#!/usr/bin/env bash
# Installs the npm packages that check exports with the readers' own parsers into DIR/node_modules
# (once; kept between runs): ajv (JSON Schema), edn-data (EDN), @paulirish/trace_engine (the
# DevTools Performance panel's trace parser), mermaid 11 (the last line that runs on Node 20) and
# playwright-core (drives Debian's chromium; it downloads no browser).
# Usage: tools/scripts/export_npm.sh DIR
# Exit 0 when installed; 3 when npm or its registry cannot be reached (the caller skips, saying
# so); 1 on any other failure.
set -u
dir=$1
mkdir -p "$dir" || exit 1
cd "$dir" || exit 1
stamp=node_modules/.railyard-export-checks-1
[[ -f $stamp ]] && exit 0
command -v npm >/dev/null || { echo "export_npm: npm is not installed (apt-get install npm)"; exit 3; }
cat > package.json <<'JSON'
{
  "name": "railyard-export-checks",
  "private": true,
  "description": "npm packages for tools/scripts/export_checks.mjs",
  "dependencies": {
    "@paulirish/trace_engine": "0.0.65",
    "ajv": "8.20.0",
    "edn-data": "1.2.2",
    "mermaid": "11.17.2",
    "playwright-core": "1.65.2"
  }
}
JSON
if ! timeout 60 npm ping >/dev/null 2>&1; then
  echo "export_npm: the npm registry cannot be reached"
  exit 3
fi
timeout 900 npm install --no-audit --no-fund --ignore-scripts --loglevel=error >npm-install.log 2>&1 \
  || { echo "export_npm: npm install failed:"; tail -5 npm-install.log; exit 1; }
touch "$stamp"
