# Environment shared by the project's scripts. Source it, do not run it:
#   . "$(dirname "$0")/env.sh"
#
# Puts the project's node_modules/.bin first on PATH (the tslab kernel spec
# starts the bare command `tslab`) and points every Jupyter directory into
# the project's own .jupyter/ folder, so the user's Jupyter configuration,
# kernels and runtime files are neither read nor written.

KIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export KIL_ROOT

case ":$PATH:" in
  "$KIL_ROOT/node_modules/.bin:"*) ;;
  *) PATH="$KIL_ROOT/node_modules/.bin:$PATH" ;;
esac
export PATH

export JUPYTER_CONFIG_DIR="$KIL_ROOT/.jupyter/config"
export JUPYTER_DATA_DIR="$KIL_ROOT/.jupyter/share/jupyter"
export JUPYTER_RUNTIME_DIR="$KIL_ROOT/.jupyter/runtime"
export JUPYTER_PATH="$KIL_ROOT/.jupyter/share/jupyter"
# Keep IPython's profile (used by the Python side of Jupyter) in the project too.
export IPYTHONDIR="$KIL_ROOT/.jupyter/ipython"
# Quiets a debugger warning that Debian's Python prints on every kernel start.
export PYDEVD_DISABLE_FILE_VALIDATION=1
