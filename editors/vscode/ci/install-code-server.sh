#!/bin/sh
# Installs what the VS Code test (tests/lsp/test_vscode.py) needs, from the npm registry only:
# - code-server (a real VS Code served to a browser) into a cache folder outside the
#   repository, once per version: $DPT_CI_CACHE/code-server-$VERSION (default cache:
#   ${XDG_CACHE_HOME:-~/.cache}/dpt-ci);
# - the extension's own build tools (npm ci in editors/vscode: node_modules, git-ignored).
# Needs Node 20 (code-server 4.99 is the last line that runs on it), a C++ tool chain and
# Node's headers in /usr/include/node (Debian/NodeSource nodejs), and ripgrep.
# Packages' own install scripts are not run: they download prebuilt binaries from outside the
# registry. The native modules are rebuilt from source against the local Node instead.
set -eu

VERSION=${CODE_SERVER_VERSION:-4.99.4}
CACHE=${DPT_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dpt-ci}
DEST=$CACHE/code-server-$VERSION
EXTENSION=$(cd "$(dirname "$0")/.." && pwd)

say() { echo "install-code-server: $*"; }
fail() { echo "install-code-server: $*" >&2; exit 1; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) ||
    fail "node is not installed (code-server $VERSION needs Node 20)"
[ "$node_major" = 20 ] || fail "code-server $VERSION needs Node 20; this is Node $node_major"
[ -d /usr/include/node ] || fail "Node's headers are missing (/usr/include/node)"
command -v rg >/dev/null || fail "ripgrep is missing (Debian package: ripgrep)"

(cd "$EXTENSION" && npm ci --no-audit --no-fund --loglevel=error)
say "extension build tools installed in $EXTENSION/node_modules"

if [ -f "$DEST/.complete" ]; then
    say "code-server $VERSION already in $DEST"
    exit 0
fi
rm -rf "$DEST.partial"
mkdir -p "$DEST.partial"
cd "$DEST.partial"
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$VERSION"
vscode=node_modules/code-server/lib/vscode
(
    cd "$vscode"
    npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
    npm_config_yes=true npm rebuild --nodedir=/usr --loglevel=error \
        node-pty @vscode/spdlog native-watchdog @vscode/deviceid
    # @vscode/ripgrep's install step downloads rg from GitHub: use the system's.
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    # what code-server's own postinstall does: VS Code looks for node_modules.asar
    ln -sfn node_modules node_modules.asar
    cd extensions
    npm install --ignore-scripts --no-audit --no-fund --loglevel=error
)
npm_config_build_from_source=true npm rebuild argon2 --nodedir=/usr --loglevel=error
for module in node-pty/build/Release/pty.node @vscode/spdlog/build/Release/spdlog.node; do
    [ -f "$vscode/node_modules/$module" ] || fail "native module $module was not built"
done
[ -n "$(find node_modules/argon2 -name argon2.node)" ] || fail "argon2 was not built"
touch .complete
cd "$CACHE"
rm -rf "$DEST"
mv "$DEST.partial" "$DEST"
say "code-server $VERSION installed in $DEST"
