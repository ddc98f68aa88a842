#!/usr/bin/env bash
# The one test command (npm test): lint and format check, type check, then every vitest suite.
# System packages that later suites need (redis-server, kcat) are checked here, installed when we are root,
# or named with the exact command to run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-system-packages.sh

echo "== biome (lint + format)"
npx biome ci .
echo "== tsc --noEmit"
npx tsc --noEmit
echo "== vitest"
npx vitest run "$@"
