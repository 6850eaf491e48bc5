#!/usr/bin/env bash
# Makes the notebooks runnable: registers the tslab kernel inside the
# project's .jupyter/ folder (never the user's own Jupyter), and beside it
# tslab-zh-CN, the same kernel with KIL_LANG=zh-CN in its environment (the
# Chinese lessons name it; openLesson reads KIL_LANG), and links
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

# One kernel per translated edition: tslab's own spec with the language in its env.
for lang in zh-CN; do
  edition="$JUPYTER_DATA_DIR/kernels/tslab-$lang"
  mkdir -p "$edition"
  "${python:-python3}" - "$spec" "$edition/kernel.json" "$lang" <<'PY'
import json, sys
spec, out, lang = sys.argv[1:]
with open(spec) as f:
    kernel = json.load(f)
kernel["display_name"] = f"TypeScript ({lang})"
kernel["env"] = {**kernel.get("env", {}), "KIL_LANG": lang}
text = json.dumps(kernel, ensure_ascii=False, indent=1) + "\n"
try:
    with open(out) as f:
        same = f.read() == text
except FileNotFoundError:
    same = False
if not same:
    with open(out, "w") as f:
        f.write(text)
    print(f"prepare-notebooks: registered the tslab-{lang} kernel (KIL_LANG={lang}) in .jupyter/")
PY
done

link="notebooks/node_modules/kube-iptables-lab"
if [ "$(readlink "$link" 2>/dev/null || true)" != "../.." ]; then
  mkdir -p notebooks/node_modules
  rm -rf "$link"
  ln -s ../.. "$link"
  echo "prepare-notebooks: linked $link -> ../.. (the project root)"
fi
