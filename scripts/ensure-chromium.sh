#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests, once. Idempotent: does
# nothing when a usable Chromium is already there. Tests never download a
# browser of their own (this machine reaches only npm and Debian).
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then exit 0; fi
if [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >/dev/null 2>&1; then exit 0; fi

echo "Installing Chromium from Debian's packages for the browser tests…"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Chromium is missing and this user cannot install packages. Install Debian's 'chromium' package, or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3; do
  # Wait for the package lock rather than fail when another run installs at the same time.
  if $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null; then
    break
  fi
  if [ "$attempt" -eq 3 ]; then echo "Could not install Chromium from Debian's packages." >&2; exit 1; fi
  sleep $((attempt * 5))
done
/usr/bin/chromium --version
