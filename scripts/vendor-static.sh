#!/usr/bin/env bash
# Vendor the pages' JavaScript and CSS libraries into spravato_ops/web/static/vendor/ from
# pinned npm packages, with their licences. The pages load nothing from the internet; run this
# only to change a version (the vendored files are committed).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=spravato_ops/web/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# package@version  file-in-package  name-in-vendor
files=(
  "axe-core@4.10.3 axe.min.js axe.min.js"
  "uplot@1.6.32 dist/uPlot.iife.min.js uPlot.iife.min.js"
  "uplot@1.6.32 dist/uPlot.min.css uPlot.min.css"
)

mkdir -p "$dest"
for entry in "${files[@]}"; do
  read -r package file name <<<"$entry"
  folder="$work/${package%@*}"
  if [ ! -d "$folder" ]; then
    mkdir -p "$folder"
    (cd "$work" && npm pack --silent "$package" >/dev/null)
    tar -xzf "$work"/"$(echo "${package%@*}" | tr -d '@' | tr '/' '-')"-*.tgz -C "$folder"
    for licence in "$folder"/package/LICENSE*; do
      cp "$licence" "$dest/$(basename "$licence").${package%@*}"
    done
  fi
  cp "$folder/package/$file" "$dest/$name"
done
printf '%s\n' "${files[@]}" | awk '{print $1}' | sort -u > "$dest/VERSIONS"
echo "vendored into $dest:"; ls "$dest"
