#!/usr/bin/env bash
# Installs the system packages the test suites use, when missing. As root it runs apt-get; otherwise it stops at
# once and prints the exact command to run. Add a package here together with the suite that needs it.
set -euo pipefail

# command -> Debian package
declare -A needed=([kcat]=kcat)

missing=()
for cmd in "${!needed[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${needed[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "ferry tests need: ${missing[*]}. Run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
