#!/usr/bin/env bash
# All tests (npm test): set up (packages, npm ci when needed, build, tslab
# kernel), then vitest, which also executes every notebook.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KIL_ROOT"

bash scripts/setup.sh
echo
exec vitest run "$@"
