#!/usr/bin/env bash
# Makes the notebooks runnable: registers the tslab kernel inside the
# project's .jupyter/ folder (never the user's own Jupyter) and links
# notebooks/node_modules/kube-iptables-lab to the project root, so notebook
# cells `import ... from "kube-iptables-lab"` and get the built dist/.
# Idempotent and fast; called by setup.sh and by the notebook runner.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KIL_ROOT"

mkdir -p "$KIL_ROOT/.jupyter"
spec="$JUPYTER_DATA_DIR/kernels/tslab/kernel.json"
if [ ! -f "$spec" ]; then
  if ! command -v tslab >/dev/null 2>&1; then
    echo "prepare-notebooks: node_modules/.bin/tslab is missing; run npm install first" >&2
    exit 1
  fi
  # The Python that has Jupyter: Debian's, even when another python3
  # (pyenv, a virtualenv) comes first on PATH.
  python=""
  for candidate in /usr/bin/python3 "$(command -v python3 || true)"; do
    if [ -n "$candidate" ] && "$candidate" -c 'import jupyter_client' >/dev/null 2>&1; then
      python="$candidate"
      break
    fi
  done
  if [ -z "$python" ]; then
    echo "prepare-notebooks: no python3 with Jupyter found; run bash scripts/setup.sh" >&2
    exit 1
  fi
  echo "prepare-notebooks: registering the tslab kernel in .jupyter/"
  tslab install --python="$python" --prefix="$KIL_ROOT/.jupyter"
  if [ ! -f "$spec" ]; then
    echo "prepare-notebooks: tslab install did not create $spec" >&2
    exit 1
  fi
fi

link="notebooks/node_modules/kube-iptables-lab"
if [ "$(readlink "$link" 2>/dev/null || true)" != "../.." ]; then
  mkdir -p notebooks/node_modules
  rm -rf "$link"
  ln -s ../.. "$link"
  echo "prepare-notebooks: linked $link -> ../.. (the project root)"
fi
