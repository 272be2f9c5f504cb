#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and end-to-end tests, and the AWS-recorded
# conformance score. One release build serves every step.
#
#   scripts/test.sh            # from the repository root
#
# The conformance corpus is read from $STEPWISE_SHARED (default: ../shared, the folder
# beside this repository).
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${STEPWISE_SHARED:-../shared}"

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --release -- -D warnings

echo "== cargo test"
cargo test --workspace --release

echo "== JSONata 2.0.6 suite through our adapter"
./target/release/jsonata-suite --min-passed 1623 "$shared/jsonata-suite" | tail -n 3

if [ -d "$shared/conformance/aws-recorded" ]; then
  echo "== conformance (AWS-recorded cases)"
  # Known failures are listed in the README's status table; the floor only rises.
  ./target/release/stepwise conformance --quiet --history --min-passed "$(cat .ci/conformance-floor)" \
    "$shared/conformance/aws-recorded"
else
  echo "conformance corpus not found at $shared/conformance/aws-recorded" >&2
  exit 1
fi
