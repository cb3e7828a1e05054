#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages briefing needs, and only those missing.
# Idempotent: when everything is present it prints one line and exits.
#   tools/setup-system.sh            # build needs (fonts, HarfBuzz subsetter, Pango)
#   tools/setup-system.sh --test     # + test needs (poppler-utils, chromium, chromium-driver)
set -euo pipefail

packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig)
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  packages+=(python3-venv)
fi
if [[ "${1:-}" == "--test" ]]; then
  packages+=(poppler-utils chromium)
  packages+=(faketime)  # tests/test_reproducible.py: a build under another clock gives the same bytes
  packages+=(chromium-driver)  # tests/test_browser.py drives Debian's chromium through it (same version)
fi

# WeasyPrint subsets the embedded CJK fonts with HarfBuzz when it can load
# libharfbuzz-subset (>= 4.1); without it, it falls back to fontTools: about
# ten times slower (some 16 s instead of 1.9 s per edition) and not byte for
# byte reproducible. Nothing fails, so say it loudly.
harfbuzz_subset_loadable() {
  # Read the whole cache first: with pipefail, `ldconfig -p | grep -q` fails at
  # random (grep exits at the first match and ldconfig dies of SIGPIPE).
  local cache
  cache=$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)
  [[ $cache == *libharfbuzz-subset.so.0* ]]
}
shout_harfbuzz_subset() {  # $1: what happens next
  {
    echo "setup: ######################################################################"
    echo "setup: libharfbuzz-subset (Debian package libharfbuzz-subset0) is MISSING."
    echo "setup: Without it WeasyPrint subsets fonts with fontTools: every PDF build is"
    echo "setup: about ten times slower and its output is not reproducible byte for byte."
    echo "setup: $1"
    echo "setup: ######################################################################"
  } >&2
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: system packages present (${packages[*]})"
  harfbuzz_subset_loadable || shout_harfbuzz_subset "dpkg lists it, but the library cannot be found: reinstall it (apt-get install --reinstall libharfbuzz-subset0)."
  exit 0
fi
if [[ " ${missing[*]} " == *" libharfbuzz-subset0 "* ]] && ! harfbuzz_subset_loadable; then
  shout_harfbuzz_subset "Installing it now (if this fails: apt-get install libharfbuzz-subset0)."
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
harfbuzz_subset_loadable || shout_harfbuzz_subset "It is still not loadable after installing: PDF builds will be slow."
