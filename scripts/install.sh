#!/bin/sh
# Installs what the dashboard needs on Debian or Ubuntu, as root or as a user with sudo:
# the system packages that are missing (python3 with venv; chromium for the tests), then a
# virtual environment in .venv holding the pinned Python packages.
# Usage: sh scripts/install.sh        (to run the dashboard)
#        sh scripts/install.sh test   (to run the tests too)
set -eu
cd "$(dirname "$0")/.."

requirements=requirements.txt
case "${1:-}" in
  "") ;;
  test) requirements=requirements-test.txt ;;
  *) echo "usage: sh scripts/install.sh [test]" >&2; exit 2 ;;
esac

missing=""
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing="$missing python3-venv"
if [ "$requirements" = requirements-test.txt ] && ! command -v chromium >/dev/null 2>&1; then
  missing="$missing chromium"
fi

if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=""
  elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
  else
    echo "missing system packages:$missing; as root run: apt-get update && apt-get install -y$missing" >&2
    exit 1
  fi
  echo "installing system packages:$missing"
  $as_root apt-get update -qq
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

if ! .venv/bin/python -c "" >/dev/null 2>&1; then
  rm -rf .venv
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
echo "installed: .venv ($requirements)"
