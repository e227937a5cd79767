#!/usr/bin/env bash
# Install what kubelab needs on Debian 12: system packages, then the virtualenv.
# Idempotent and fast when everything is present: apt and pip are only touched
# when something is actually missing or the requirements changed.
#
#   scripts/setup.sh          runtime packages + requirements.txt
#   scripts/setup.sh --test   also postgresql, chromium + requirements-test.txt
set -euo pipefail

cd "$(dirname "$0")/.."

with_test=0
for arg in "$@"; do
    case "$arg" in
        --test) with_test=1 ;;
        *) echo "usage: $0 [--test]" >&2; exit 2 ;;
    esac
done

log() { echo "[setup] $*"; }

# Captured, not piped into `grep -q`: with pipefail, grep exiting early would
# SIGPIPE dpkg and make an installed package look missing.
installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]; }

# --- system packages -------------------------------------------------------
wanted=(redis-server docker.io busybox-static)
if [[ $with_test == 1 ]]; then
    wanted+=(postgresql chromium)
fi

missing=()
for pkg in "${wanted[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
# kubectl: Debian packages it as kubernetes-client (1.20); any kubectl already on PATH,
# e.g. a newer one from Kubernetes' own repository, is kept.
if ! command -v kubectl >/dev/null 2>&1; then
    missing+=(kubernetes-client)
fi
# Any nginx flavour will do; nginx-light is the smallest.
if ! command -v nginx >/dev/null 2>&1 && ! [[ -x /usr/sbin/nginx ]]; then
    missing+=(nginx-light)
fi

if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $(id -u) != 0 ]]; then
        echo "[setup] missing system packages: ${missing[*]}" >&2
        echo "[setup] run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    log "installing: ${missing[*]}"
    apt-get update -qq
    # nginx-light was dropped from some Debian releases; fall back to nginx.
    for i in "${!missing[@]}"; do
        if [[ ${missing[$i]} == nginx-light ]] \
            && ! apt-cache policy nginx-light | grep -q 'Candidate: [0-9]'; then
            missing[i]=nginx
        fi
    done
    # Keep apt from starting redis/docker/nginx/postgres as system services:
    # kubelab starts what it needs itself, on its own ports.
    policy=/usr/sbin/policy-rc.d
    made_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod +x "$policy"
        made_policy=1
    fi
    apt-get install -y -qq --no-install-recommends "${missing[@]}" || status=$?
    if [[ $made_policy == 1 ]]; then rm -f "$policy"; fi
    if [[ ${status:-0} != 0 ]]; then exit "$status"; fi
fi

# --- python virtualenv -----------------------------------------------------
if [[ $with_test == 1 ]]; then
    reqs=requirements-test.txt
    stamp=.venv/.stamp-test
else
    reqs=requirements.txt
    stamp=.venv/.stamp-runtime
fi

if [[ ! -x .venv/bin/python ]]; then
    log "creating .venv"
    python3 -m venv .venv
fi

# The stamp is newer than every requirements file => nothing to install.
stale=0
if [[ ! -e $stamp ]]; then
    stale=1
else
    for f in requirements.txt "$reqs"; do
        [[ $f -nt $stamp ]] && stale=1
    done
fi
if [[ $stale == 1 ]]; then
    log "pip install -r $reqs"
    .venv/bin/pip install -q --disable-pip-version-check -r "$reqs"
    touch "$stamp"
fi

log "ok"
