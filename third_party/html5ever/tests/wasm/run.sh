#!/usr/bin/env bash
# Runs the vendored html5ever's fast-path tests built for wasm32 with
# +simd128, as docpipe's plugins are built, so that the simd128 text scan
# (which a native `cargo test` never reaches) is checked too. Node.js runs
# the test binary: wasm32-unknown-unknown's standard library has no output
# and no process exit, so a passing run returns from `main` and a failing
# one ends in a trap.
#
#     third_party/html5ever/tests/wasm/run.sh    (from anywhere; needs node and a
#                                                 wasm32 toolchain, see below)
set -euo pipefail
cd "$(dirname "$0")/../../../.."

# rustup's wasm32 target where it is installed; otherwise Debian's rustc-web
# with the standard library built from source (the recipe `docpipe plugins
# build` falls back to, README), which needs nightly flags.
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  cargo=(cargo)
  extra=()
elif [ -x /usr/bin/cargo ] && command -v wasm-ld-22 >/dev/null 2>&1; then
  export PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
  cargo=(/usr/bin/cargo)
  extra=(-Zbuild-std=std,panic_abort,test -Zpanic-abort-tests)
else
  echo "no wasm32 toolchain: install rustup's wasm32-unknown-unknown target, or rustc-web, cargo-web, rust-web-src and lld-22" >&2
  exit 1
fi

# panic=abort: a failing test traps, which node reports.
binary=$(
  RUSTFLAGS="-C target-feature=+simd128 -C panic=abort" \
    "${cargo[@]}" test -p html5ever --target wasm32-unknown-unknown --test fast_paths \
    --no-run --message-format=json "${extra[@]}" 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\.wasm\)".*/\1/p' | tail -n 1
)
[ -n "$binary" ] || { echo "no test binary was built" >&2; exit 1; }

node - "$binary" <<'JS'
const fs = require("fs");
const file = process.argv[2];
const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), {});
try {
  instance.exports.main(0, 0);
} catch (error) {
  console.error(`${file}: a test failed (${error.message})`);
  process.exit(1);
}
console.log(`${file}: fast-path tests passed on wasm32 with simd128`);
JS
