#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and end-to-end tests (the real aws CLI and
# boto3 against `stepwise serve`), the official JSONata suite through our adapter, and the
# AWS-recorded conformance score. One release build serves every step.
#
#   scripts/test.sh            # from the repository root
#
# Python clients (awscli, boto3, pytest, and AWS's Lambda runtime interface client
# awslambdaric, which the function runner's tests run) are installed into .venv on first use. The console's
# browser tests need Node.js and /usr/bin/chromium (.ci/run installs both). The
# conformance corpus and the JSONata suite are read from $STEPWISE_SHARED (default:
# ../shared, the folder beside this repository).
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${STEPWISE_SHARED:-../shared}"

echo "== Python clients (.venv: awscli, boto3, pytest, awslambdaric)"
if [ ! -x .venv/bin/aws ] || ! .venv/bin/python -c "import boto3, pytest, awslambdaric" 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check awscli boto3 pytest awslambdaric
fi
export PATH="$PWD/.venv/bin:$PATH"
export STEPWISE_AWSLAMBDARIC_PYTHON="$PWD/.venv/bin/python"
aws --version

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --release -- -D warnings

echo "== cargo test (builds every binary once, in release)"
cargo test --workspace --release

echo "== boto3 tests"
python -m pytest -q tests/python

echo "== the web console: graph model, layout and status (Vitest), then in Chromium (playwright-core against target/release/stepwise)"
(cd console && npm run --silent test && npm run --silent test:e2e)

echo "== JSONata 2.0.6 suite through our adapter"
./target/release/jsonata-suite --min-passed 1623 "$shared/jsonata-suite" | tail -n 3

echo "== conformance (AWS-recorded cases)"
if [ ! -d "$shared/conformance/aws-recorded" ]; then
  echo "conformance corpus not found at $shared/conformance/aws-recorded" >&2
  exit 1
fi
./target/release/stepwise conformance --quiet --history --min-passed "$(cat .ci/conformance-floor)" \
  "$shared/conformance/aws-recorded"
