#!/usr/bin/env bash
# `npm test`: type check, build the production artefact, then unit, integration and
# browser tests against it. Needs redis-server and chromium (see .ci/run for the install).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== lint and unused code"
npx eslint .
npx knip --no-progress
echo "== type check"
npx nuxt typecheck
npx tsc -p test/tsconfig.json
npx vue-tsc --noEmit -p test/unit/client/tsconfig.json
echo "== build"
npx nuxt build > /tmp/fargate-chat-build.log 2>&1 || { cat /tmp/fargate-chat-build.log; exit 1; }
# With TEST_REPORTS_DIR set (the CodeBuild run), both runners also write JUnit XML there.
vitest_reports=()
playwright_reporter=()
if [ -n "${TEST_REPORTS_DIR:-}" ]; then
  mkdir -p "$TEST_REPORTS_DIR"
  vitest_reports=(--reporter=default --reporter=junit "--outputFile.junit=$TEST_REPORTS_DIR/vitest.xml")
  playwright_reporter=(--reporter=list,junit)
  export PLAYWRIGHT_JUNIT_OUTPUT_FILE="$TEST_REPORTS_DIR/playwright.xml"
fi
echo "== unit, integration and infrastructure tests"
npx vitest run "${vitest_reports[@]}"
if [ -f playwright.config.ts ]; then
  echo "== browser tests"
  npx playwright test "${playwright_reporter[@]}"
fi
