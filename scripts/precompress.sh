#!/bin/sh
# Trunk post_build hook for a release build: minifies wasm-bindgen's JS glue (Trunk's own
# minifier stops at its `export default` and leaves it as written: 1.5 KB more of every
# bundle's first load, brotli), then writes .br and .gz beside each text asset, so the server
# can send them as they are. Development builds are left alone (speed).
set -eu
[ "${TRUNK_PROFILE:-debug}" = "release" ] || exit 0
dir="${TRUNK_STAGING_DIR:?run by trunk}"

# The minified glue gets a name of its own, from a hash of its bytes: Trunk named the file
# after the wasm, and the server tells browsers a hashed name never changes, so the same name
# must never carry other bytes (an unminified build's, another terser's). The pages' references
# and SRI hashes (`integrity=sha384-…`) follow.
sri() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | openssl base64 -A)"; }
if command -v terser >/dev/null 2>&1; then
    for js in "$dir"/*.js; do
        [ -e "$js" ] || continue
        name=$(basename "$js")
        grep -qs "/$name" "$dir"/*.html || continue
        before=$(sri "$js")
        terser "$js" --module --compress --mangle --output "$js.min"
        renamed="${name%-*}-$(sha256sum "$js.min" | cut -c1-16).js"
        mv "$js.min" "$dir/$renamed"
        rm "$js"
        after=$(sri "$dir/$renamed")
        for page in "$dir"/*.html; do
            sed -i -e "s|/$name|/$renamed|g" -e "s|$before|$after|g" "$page"
        done
    done
else
    echo "precompress.sh: no terser on PATH (./x setup installs it): the JS glue stays as written" >&2
fi

find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.svg' -o -name '*.webmanifest' -o -name '*.json' \) | while read -r f; do
  gzip -9 -n -k -f "$f"
  if command -v brotli >/dev/null 2>&1; then brotli -q 11 -k -f "$f"; fi
done
