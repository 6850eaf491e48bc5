#!/usr/bin/env bash
# Regenerates, next to this script, iptables-save.txt from kube-proxy-input.txt (through
# iptables-nft-restore and iptables-nft-save, see scripts/nft-save.sh) and nft-list.txt from
# kube-proxy-nftables.txt (through nft -f and nft list table ip kube-proxy, see
# scripts/nft-list.sh), each in a throwaway network namespace.
#
# Usage: data/wordpress-today/make.sh            (writes both files)
#        data/wordpress-today/make.sh --check    (compares instead of writing, ignoring the header dates)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/../../scripts/nft-save.sh" "$here" "$@"
bash "$here/../../scripts/nft-list.sh" "$here" "$@"
