#!/usr/bin/env bash
# The tests keep the function's records in the real Firestore emulator of the gcloud CLI
# (Debian packages google-cloud-cli-firestore-emulator and a Java 17 runtime). Install them
# when missing and we can (as root, through apt); otherwise stop with one sentence.
set -euo pipefail
have() { command -v gcloud >/dev/null 2>&1 && gcloud emulators firestore --help >/dev/null 2>&1 && command -v java >/dev/null 2>&1; }
if have; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the Firestore emulator (google-cloud-cli-firestore-emulator, Java 17)..."
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq google-cloud-cli google-cloud-cli-firestore-emulator openjdk-17-jre-headless >/dev/null 2>&1 || true
fi
if ! have; then
  echo "The tests need the Firestore emulator: install the Debian packages google-cloud-cli, google-cloud-cli-firestore-emulator and openjdk-17-jre-headless (Google's apt repository), then run make test again." >&2
  exit 1
fi
