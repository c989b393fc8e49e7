#!/usr/bin/env bash
# Install Debian packages non-interactively (used by `make system-deps`).
#
#   scripts/apt-install.sh PACKAGE...
#
# Uses sudo when not root (if sudo exists). Tries the install first and only
# runs `apt-get update` and retries if that fails (e.g. empty package lists).
set -euo pipefail
[[ $# -gt 0 ]] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }

export DEBIAN_FRONTEND=noninteractive
SUDO=()
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo env DEBIAN_FRONTEND=noninteractive)
  else
    echo "apt-install: need root (or sudo) to install: $*" >&2
    exit 1
  fi
fi

echo "apt-install: installing $*" >&2
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends "$@"; then
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" apt-get install -y --no-install-recommends "$@"
fi
