#!/usr/bin/env bash
# Makes DIR/nft-list.txt from DIR/kube-proxy-nftables.txt the way a node gets it in
# kube-proxy's nftables mode: `nft -f` into a throwaway network namespace, then
# `nft list table ip kube-proxy`. Needs root (ip netns) and nft (Debian 12: 1.0.6).
# The namespace has only lo, nothing connects it to the host, and it is deleted on
# exit whatever happens.
#
# Usage: scripts/nft-list.sh DIR            (writes DIR/nft-list.txt)
#        scripts/nft-list.sh DIR --check    (compares instead of writing)
set -euo pipefail
dir=$(cd "${1:?usage: nft-list.sh DIR [--check]}" && pwd)
ns="kil-nft-$$-$RANDOM"
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
ip netns add "$ns"
ip netns exec "$ns" nft -f "$dir/kube-proxy-nftables.txt"
listed=$(ip netns exec "$ns" nft list table ip kube-proxy)
if [[ "${2:-}" == "--check" ]]; then
  if diff "$dir/nft-list.txt" <(printf '%s\n' "$listed"); then
    echo "nft-list.txt is what nft lists for kube-proxy-nftables.txt"
  else
    echo "nft-list.txt differs from what nft lists now" >&2
    exit 1
  fi
else
  printf '%s\n' "$listed" > "$dir/nft-list.txt"
  echo "wrote $dir/nft-list.txt"
fi
