#!/usr/bin/env bash
# Installs what the Apps Script tests need on a fresh Debian machine and runs them:
# typecheck + unit tests (npm test), then the settings sidebar in headless Chromium (npm run test:browser).
# The end-to-end test (npm run test:e2e) is run by the Python side, which starts the servers it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  apt-get install -y chromium
fi
npm ci --no-audit --no-fund
npm test
npm run test:browser
