#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages briefing needs, and only those missing.
# Idempotent: when everything is present it prints one line and exits.
#   tools/setup-system.sh            # build needs (fonts, HarfBuzz subsetter, Pango)
#   tools/setup-system.sh --test     # + test needs (poppler-utils, chromium)
set -euo pipefail

packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig)
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  packages+=(python3-venv)
fi
if [[ "${1:-}" == "--test" ]]; then
  packages+=(poppler-utils chromium)
  packages+=(faketime)  # tests/test_reproducible.py: a build under another clock gives the same bytes
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: system packages present (${packages[*]})"
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "setup: missing ${missing[*]}, and this is not a Debian/Ubuntu system: install them with your package manager" >&2
  exit 1
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "setup: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: installed ${missing[*]}"
