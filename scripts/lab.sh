#!/usr/bin/env bash
# npm run lab: the classic Jupyter Notebook server on notebooks/, with the
# tslab TypeScript kernel and the project's own Jupyter folder (.jupyter/).
# Extra arguments go to jupyter notebook (e.g. --no-browser --port=8899).
#
# Run as root (a container, a lab VM), Jupyter refuses to start unless told
# --allow-root; this script passes it then, and says so.
# KIL_LAB_SKIP_SETUP=1 skips scripts/setup.sh, for a caller that has just run
# it (the test of this script runs beside other tests that read dist/, which
# setup's build would rewrite under them).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KIL_ROOT"

if [ "${KIL_LAB_SKIP_SETUP:-}" != 1 ]; then
  bash scripts/setup.sh
fi
if ! command -v jupyter-notebook >/dev/null 2>&1; then
  echo "lab: the classic Jupyter Notebook is not installed: sudo apt-get install -y jupyter-notebook" >&2
  exit 1
fi
root_args=()
if [ "$(id -u)" -eq 0 ]; then
  echo "lab: running as root, so starting Jupyter with --allow-root" >&2
  root_args=(--allow-root)
fi
# Jupyter's default hidden files, plus the notebooks' node_modules link. Since
# traitlets 5 a list setting is given one item per flag (a whole list in one
# flag still works but prints a FutureWarning at start).
hide_args=()
for glob in __pycache__ '*.pyc' '*.pyo' .DS_Store '*.so' '*.dylib' '*~' node_modules; do
  hide_args+=("--ContentsManager.hide_globs=$glob")
done
exec jupyter notebook --notebook-dir=notebooks "${root_args[@]}" "${hide_args[@]}" "$@"
