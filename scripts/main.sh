#!/usr/bin/env bash
# The main job (npm start): set up, print the wordpress Service table, execute
# every notebook and build the static site site/index.html.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KIL_ROOT"

bash scripts/setup.sh

echo
echo "== Services in data/wordpress/iptables-save.txt"
if [ ! -f dist/cli/bin.js ]; then
  echo "main: dist/cli/bin.js is missing: the command-line tool (lib/cli/bin.ts) has not been built." >&2
  echo "main: it should exist after npm run build; without it there is no Service table to show." >&2
  exit 1
fi
node dist/cli/bin.js services data/wordpress/iptables-save.txt

echo
echo "== Notebooks"
notebooks_status=0
node scripts/run-notebooks.mjs || notebooks_status=$?

echo
echo "== Site"
# Built even when a notebook failed, so the failure can be read in the page.
node scripts/build-site.mjs

if [ "$notebooks_status" -ne 0 ]; then
  echo "main: a notebook failed (see above); site/ shows the executed notebooks with their errors" >&2
  exit "$notebooks_status"
fi
echo
echo "Open site/index.html in a browser (file://$KIL_ROOT/site/index.html)."
