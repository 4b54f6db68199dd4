#!/usr/bin/env bash
# `npm test`: type check, build the production artefact, then unit, integration and
# browser tests against it. Needs redis-server and chromium (see .ci/run for the install).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"
npx nuxt typecheck
npx tsc -p test/tsconfig.json
npx vue-tsc --noEmit -p test/unit/client/tsconfig.json
echo "== build"
npx nuxt build > /tmp/fargate-chat-build.log 2>&1 || { cat /tmp/fargate-chat-build.log; exit 1; }
echo "== unit, integration and infrastructure tests"
npx vitest run
if [ -f playwright.config.ts ]; then
  echo "== browser tests"
  npx playwright test
fi
