#!/usr/bin/env bash
# Regenerates iptables-save.txt next to this script from kube-proxy-input.txt, through
# iptables-nft-restore and iptables-nft-save in a throwaway network namespace (see scripts/nft-save.sh).
#
# Usage: data/link-scope-today/make.sh            (writes iptables-save.txt next to this script)
#        data/link-scope-today/make.sh --check    (compares instead of writing, ignoring the header dates)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec bash "$here/../../scripts/nft-save.sh" "$here" "$@"
