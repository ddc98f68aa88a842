#!/usr/bin/env bash
# Installs the system packages the test suites use, when missing. As root it runs apt-get; otherwise it stops at
# once and prints the exact command to run. Add a package here together with the suite that needs it.
set -euo pipefail

# command -> Debian package
declare -A commands=([kcat]=kcat)
# Python module -> Debian package. Debian's packages install into Debian's own interpreter, so the check asks
# /usr/bin/python3 by path: a pyenv or venv python3 earlier on PATH would not see them.
declare -A python_modules=([kafka]=python3-kafka [confluent_kafka]=python3-confluent-kafka)
SYSTEM_PYTHON=/usr/bin/python3

missing=()
for cmd in "${!commands[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${commands[$cmd]}")
done
for module in "${!python_modules[@]}"; do
  [ -x "$SYSTEM_PYTHON" ] && "$SYSTEM_PYTHON" -c "import $module" >/dev/null 2>&1 || missing+=("${python_modules[$module]}")
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
