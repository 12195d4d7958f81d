#!/usr/bin/env bash
# The test command (README): installs what is missing, then typecheck, lint, the
# docker-compose check and every test. Non-zero exit on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-npm-packages.sh
# influxd: the private InfluxDB of the integration tests; mosquitto: the external-broker tests;
# chromium: the dashboard's browser tests; postgresql: the records database's server engine;
# docker-compose: validates docker-compose.yml.
bash scripts/ensure-debian-packages.sh influxd:influxdb mosquitto:mosquitto chromium:chromium \
  pg_ctlcluster:postgresql docker-compose:docker-compose

echo "== typecheck"; npx tsc --noEmit -p .
echo "== lint and format"; npx biome ci .
echo "== docker-compose.yml"; docker-compose --env-file .env.example config -q
echo "== tests"
mkdir -p .data
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.data/vitest-results.json "$@" || status=$?
node -e '
  const r = require("./.data/vitest-results.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || status=1
exit $status
