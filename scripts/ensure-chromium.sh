#!/usr/bin/env bash
# The Settings sidebar test drives Debian's Chromium (no browser is downloaded at run time).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing: install Debian's 'chromium' package (sudo apt-get install -y chromium)." >&2
  exit 1
fi
echo "Installing Debian's chromium for the sidebar test..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
