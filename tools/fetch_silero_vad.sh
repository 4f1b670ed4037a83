#!/usr/bin/env bash
# Fetches Silero VAD's ONNX files for the VAD comparison (benchmarks/VadComparison, SileroVadTest) into a
# git-ignored folder, benchmarks/target/silero/ by default (or $1), and prints their sha256.
#
# Source: the npm package @ricky0123/vad-web 0.0.31 (ISC licence), whose tarball ships Silero VAD's models
# under package/dist/ (silero_vad_v5.onnx, silero_vad_v6.onnx, silero_vad_legacy.onnx). The models are
# Silero VAD's (https://github.com/snakers4/silero-vad), MIT licence. Never commit them.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-benchmarks/target/silero}"
version="0.0.31"
mkdir -p "$dest"
if [[ ! -s "$dest/silero_vad_v5.onnx" || ! -s "$dest/silero_vad_v6.onnx" ]]; then
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent "@ricky0123/vad-web@$version" >/dev/null)
    tar -xzf "$tmp"/ricky0123-vad-web-"$version".tgz -C "$tmp" \
        package/dist/silero_vad_v5.onnx package/dist/silero_vad_v6.onnx package/dist/silero_vad_legacy.onnx
    cp "$tmp"/package/dist/silero_vad_*.onnx "$dest"/
    printf 'npm @ricky0123/vad-web@%s (ISC), package/dist/; Silero VAD models, MIT licence\n' "$version" \
        >"$dest"/SOURCE.txt
fi
(cd "$dest" && sha256sum silero_vad_*.onnx)
