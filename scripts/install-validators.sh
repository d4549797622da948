#!/usr/bin/env bash
# Install the offline validators the infrastructure tests run (see docs/validation.md).
# Idempotent and quick when everything is already there.
set -euo pipefail
