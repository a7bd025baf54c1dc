#!/usr/bin/env bash
# Lints the GitHub workflows (.github/workflows) with actionlint (`npm run lint:workflows`). The binary is built once
# with `go install` into .tools/bin (git-ignored); without Go (or offline) and without that binary the lint is skipped
# with a note.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIONLINT_VERSION=v1.7.12
bin=.tools/bin/actionlint
if [ ! -x "$bin" ] || [ "$("$bin" -version 2>/dev/null | head -n1)" != "$ACTIONLINT_VERSION" ]; then
  if ! command -v go >/dev/null; then
    echo "lint-workflows: skipped (no Go to build actionlint $ACTIONLINT_VERSION; https://github.com/rhysd/actionlint)" >&2
    exit 0
  fi
  echo "lint-workflows: go install actionlint@$ACTIONLINT_VERSION into .tools/bin" >&2
  # Offline (no module proxy): a skipped lint, not a failed test suite.
  if ! GOBIN="$PWD/.tools/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"; then
    echo "lint-workflows: skipped (go install of actionlint $ACTIONLINT_VERSION failed, see above)" >&2
    exit 0
  fi
fi
"$bin" -no-color
echo "lint-workflows: .github/workflows ok (actionlint $ACTIONLINT_VERSION)"
