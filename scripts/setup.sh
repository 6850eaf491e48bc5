#!/usr/bin/env bash
# Prepares this checkout to build, test and run the notebooks. Idempotent:
# a second run only checks and rebuilds, and takes a few seconds.
#
#  1. System packages (Debian): Jupyter (nbconvert, nbclient, ipykernel,
#     jupyter-client, the classic notebook UI), the kernel tools used by the
#     lab (iptables, nftables, iproute2, conntrack) and headless Chromium. As root the
#     missing ones are installed with apt-get; otherwise the exact command is
#     printed, and the script fails only when a required one is missing.
#  2. npm ci, when node_modules is missing or older than package-lock.json.
#  3. npm run build (lib/ -> dist/).
#  4. The tslab kernel registered in the project's .jupyter/ folder and the
#     notebooks/node_modules/kube-iptables-lab symlink (scripts/prepare-notebooks.sh).
#
# Nothing is exported to the caller; the other scripts source scripts/env.sh.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KIL_ROOT"

say() { printf 'setup: %s\n' "$*"; }

# --- 1. system packages -----------------------------------------------------

# Needed by `npm start` and `npm test` (executing the notebooks).
REQUIRED_PKGS=(jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client)
# Needed by `npm run lab`, the kernel lab and the HTML checks; tests that need
# them skip when they are absent (unless KIL_REQUIRE_KERNEL=1).
# fonts-wqy-microhei: Chinese glyphs (dump comments students paste) in Chromium's screenshots.
OPTIONAL_PKGS=(jupyter-notebook iptables nftables iproute2 conntrack chromium fonts-wqy-microhei)

# What proves a package is there when dpkg is not available (other distributions).
pkg_probe() {
  case "$1" in
    jupyter-nbconvert) command -v jupyter-nbconvert >/dev/null 2>&1 ;;
    python3-nbclient) python3 -c 'import nbclient' >/dev/null 2>&1 ;;
    python3-ipykernel) python3 -c 'import ipykernel' >/dev/null 2>&1 ;;
    jupyter-client) python3 -c 'import jupyter_client' >/dev/null 2>&1 ;;
    jupyter-notebook) command -v jupyter-notebook >/dev/null 2>&1 ;;
    iptables) command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] ;;
    iproute2) command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] ;;
    conntrack) command -v conntrack >/dev/null 2>&1 || [ -x /usr/sbin/conntrack ] ;;
    nftables) command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] ;;
    chromium) command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 ;;
    fonts-wqy-microhei) fc-list 2>/dev/null | grep -qi 'wenquanyi\|microhei' ;;
    *) return 1 ;;
  esac
}

pkg_installed() {
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
  else
    pkg_probe "$1"
  fi
}

missing_required=()
missing_optional=()
for p in "${REQUIRED_PKGS[@]}"; do pkg_installed "$p" || missing_required+=("$p"); done
for p in "${OPTIONAL_PKGS[@]}"; do pkg_installed "$p" || missing_optional+=("$p"); done
missing=("${missing_required[@]}" "${missing_optional[@]}")

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y "${missing[@]}"
  else
    if command -v apt-get >/dev/null 2>&1; then
      say "missing Debian packages: ${missing[*]}"
      say "install them with:"
      printf '\n    sudo apt-get update && sudo apt-get install -y %s\n\n' "${missing[*]}"
    else
      say "missing packages (Debian names): ${missing[*]}"
      say "install the equivalent packages of your system (Jupyter nbconvert/nbclient/ipykernel, iptables, nftables, iproute2, conntrack, chromium)"
    fi
    if [ "${#missing_required[@]}" -gt 0 ]; then
      say "cannot continue without: ${missing_required[*]}"
      exit 1
    fi
    say "continuing without the optional packages: ${missing_optional[*]}"
  fi
fi

# --- 2. npm dependencies ----------------------------------------------------

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ] || [ "$node_major" -ge 23 ]; then
  say "warning: Node $(node --version) is outside the supported range (>=20 <23)"
fi

if [ ! -d node_modules ] || [ ! -e node_modules/.package-lock.json ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci
else
  say "node_modules is up to date"
fi

# --- 3. build -----------------------------------------------------------------

say "npm run build"
if ! npm run --silent build; then
  say "the build of lib/ failed (see the compiler output above)"
  exit 1
fi

# --- 4. notebook kernel and import path -------------------------------------

bash "$KIL_ROOT/scripts/prepare-notebooks.sh"
say "done"
