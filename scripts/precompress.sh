#!/bin/sh
# Trunk post_build hook: writes .br and .gz beside each text asset of a release build, so the
# server can send them as they are. Development builds are left alone (speed).
set -eu
[ "${TRUNK_PROFILE:-debug}" = "release" ] || exit 0
dir="${TRUNK_STAGING_DIR:?run by trunk}"
find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.svg' -o -name '*.webmanifest' -o -name '*.json' \) | while read -r f; do
  gzip -9 -n -k -f "$f"
  if command -v brotli >/dev/null 2>&1; then brotli -q 11 -k -f "$f"; fi
done
