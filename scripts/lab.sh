#!/usr/bin/env bash
# npm run lab: the classic Jupyter Notebook server on notebooks/, with the
# tslab TypeScript kernel and the project's own Jupyter folder (.jupyter/).
# Extra arguments go to jupyter notebook (e.g. --no-browser --port=8899).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KIL_ROOT"

bash scripts/setup.sh
if ! command -v jupyter-notebook >/dev/null 2>&1; then
  echo "lab: the classic Jupyter Notebook is not installed: sudo apt-get install -y jupyter-notebook" >&2
  exit 1
fi
# Jupyter's default hidden files, plus the notebooks' node_modules link.
exec jupyter notebook --notebook-dir=notebooks \
  --ContentsManager.hide_globs='["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*.so", "*.dylib", "*~", "node_modules"]' \
  "$@"
