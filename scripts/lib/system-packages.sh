# Makes sure the system packages the tests need are present: installs them with apt-get when
# running as root, and otherwise stops, naming what is missing. Never skips a suite.
# shellcheck shell=bash

casework_pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

casework_require_packages() {
  local missing=()
  casework_pg_bindir >/dev/null || missing+=(postgresql)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  # The two-factor QR code is checked by decoding it: drawn to PNG, then read by zbar.
  command -v rsvg-convert >/dev/null 2>&1 || missing+=(librsvg2-bin)
  command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages the tests need: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || { echo "apt-get update failed; install ${missing[*]} by hand." >&2; return 1; }
    apt-get install -y -qq "${missing[@]}" >&2 || { echo "Could not install: ${missing[*]}" >&2; return 1; }
    return 0
  fi
  echo "The tests need these system packages and cannot install them without root: ${missing[*]}" >&2
  echo "Install them (Debian: sudo apt-get install ${missing[*]}) and run this again." >&2
  return 1
}
