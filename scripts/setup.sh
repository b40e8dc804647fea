#!/usr/bin/env bash
# Installs the system packages beid needs (Debian/Ubuntu). Idempotent; safe to re-run.
#   libpcsclite-dev pkg-config : build the `pcsc` feature
#   pcscd vsmartcard-vpcd opensc pcsc-tools openssl : end-to-end tests with real PC/SC components
set -euo pipefail
pkgs=(libpcsclite-dev pkg-config pcscd vsmartcard-vpcd opensc pcsc-tools openssl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The distribution may start pcscd through systemd socket activation; our tests start their own
# pcscd by PID when they need one, so nothing is started here.
echo "setup: system packages ready"
