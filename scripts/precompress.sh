#!/bin/sh
# Trunk post_build hook for a release build: shortens the names of the imports between each
# wasm and its JS glue, minifies the glue (Trunk's own minifier stops at its `export default`
# and leaves it as written: 1.5 KB more of every bundle's first load, brotli), then writes .br
# and .gz beside each text asset, so the server can send them as they are. Development builds
# are left alone (speed).
set -eu
[ "${TRUNK_PROFILE:-debug}" = "release" ] || exit 0
dir="${TRUNK_STAGING_DIR:?run by trunk}"

# A rewritten file gets a name of its own, from a hash of its bytes: Trunk named it after what
# it built, and the server tells browsers a hashed name never changes, so the same name must
# never carry other bytes (an unminified build's, another terser's). The pages' references and
# SRI hashes (`integrity=sha384-…`) follow. BEFORE is the SRI hash the pages hold for FILE.
sri() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | openssl base64 -A)"; }
rename_by_content() {
    file=$1 suffix=$2 before=$3
    name=$(basename "$file")
    renamed="${name%-*}-$(sha256sum "$file" | cut -c1-16)$suffix"
    mv "$file" "$dir/$renamed"
    after=$(sri "$dir/$renamed")
    for page in "$dir"/*.html; do
        sed -i -e "s|/$name|/$renamed|g" -e "s|$before|$after|g" "$page"
    done
    # A page left with the old hash would have the browser refuse the file.
    if ! grep -qs -- "$after" "$dir"/*.html; then
        echo "precompress.sh: no page holds the integrity hash of $renamed (it was $before)" >&2
        exit 1
    fi
}

# The imports between each wasm and its glue get short names (scripts/minify-imports.mjs).
if command -v node >/dev/null 2>&1; then
    for wasm in "$dir"/*_bg.wasm; do
        [ -e "$wasm" ] || continue
        name=$(basename "$wasm")
        grep -qs "/$name" "$dir"/*.html || continue
        set -- "$dir/${name%-*}"-*.js
        if [ $# -ne 1 ] || [ ! -e "$1" ]; then
            echo "precompress.sh: no single JS glue beside $name" >&2
            exit 1
        fi
        js=$1
        wasm_before=$(sri "$wasm") js_before=$(sri "$js")
        node "$(dirname "$0")/minify-imports.mjs" "$wasm" "$js"
        rename_by_content "$wasm" _bg.wasm "$wasm_before"
        rename_by_content "$js" .js "$js_before"
    done
else
    echo "precompress.sh: no node on PATH (./x setup installs it): import names stay as written" >&2
fi

if command -v terser >/dev/null 2>&1; then
    for js in "$dir"/*.js; do
        [ -e "$js" ] || continue
        grep -qs "/$(basename "$js")" "$dir"/*.html || continue
        before=$(sri "$js")
        terser "$js" --module --compress --mangle --output "$js.min"
        mv "$js.min" "$js"
        rename_by_content "$js" .js "$before"
    done
else
    echo "precompress.sh: no terser on PATH (./x setup installs it): the JS glue stays as written" >&2
fi

find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.svg' -o -name '*.webmanifest' -o -name '*.json' \) | while read -r f; do
  gzip -9 -n -k -f "$f"
  if command -v brotli >/dev/null 2>&1; then brotli -q 11 -k -f "$f"; fi
done
