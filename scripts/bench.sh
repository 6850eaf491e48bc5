#!/usr/bin/env bash
# npm run bench: the library's benchmark (dist/bench/main.js, options passed on),
# then the explorer at scale in headless Chromium (scripts/bench-explorer.mjs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
node dist/bench/main.js "$@"
node scripts/bench-explorer.mjs
