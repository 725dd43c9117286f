#!/usr/bin/env bash
# Installs chDB (ClickHouse's engine as a library, with Node bindings) into test-support/chdb/node_modules, where
# ChdbEngine's runner.js finds it: the tests that check costpipe's SQL on a current ClickHouse (26) run on it.
# Test-only: nothing of costpipe's runtime uses it. Versions pinned; run again to reinstall (idempotent).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

CHDB_VERSION=3.4.0
CHDB_LIB_VERSION=26.5.3

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "test-support/chdb/install.sh: node and npm (Node.js 20+) are needed to install chDB" >&2
    exit 1
fi

installed() {
    node -e 'process.stdout.write(require("./node_modules/" + process.argv[1] + "/package.json").version)' "$1" \
        2>/dev/null || true
}

if [ "$(installed chdb)" = "$CHDB_VERSION" ] && [ "$(installed @chdb/lib-linux-x64-gnu)" = "$CHDB_LIB_VERSION" ]; then
    echo "chDB $CHDB_VERSION (lib $CHDB_LIB_VERSION) already in test-support/chdb/node_modules"
    exit 0
fi

# --no-save: no package.json or lock file is written here; the versions above are the record.
npm install --no-save --no-audit --no-fund --prefix . "chdb@$CHDB_VERSION" "@chdb/lib-linux-x64-gnu@$CHDB_LIB_VERSION"
node -e 'const { Session } = require("chdb"); const s = new Session();
  process.stdout.write("chDB installed: ClickHouse " + s.query("SELECT version()", "TSV")); s.close();'
