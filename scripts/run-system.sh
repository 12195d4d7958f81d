#!/usr/bin/env bash
# The run command (README): installs what is missing, then runs the whole system.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-npm-packages.sh
if [ -z "${RPM_INFLUX_URL:-}" ]; then
  bash scripts/ensure-debian-packages.sh influxd:influxdb || {
    echo "Or point the system at an existing InfluxDB: RPM_INFLUX_URL=http://host:8086 npm start" >&2
    exit 1
  }
fi
exec node --import tsx scripts/run-system.ts
