#!/usr/bin/env bash
# Packs what the GPU machine needs to run the benchmark (it has no Node and no network) into .carry/gpu/,
# which .gitignore's /.carry/ keeps out of git:
#   node.xz            this machine's Node binary (xz)
#   node_modules.tar.xz the run-time node_modules subset: tsx, onnx-proto (+ protobufjs), onnxruntime-node with only
#                      its linux/x64 binaries, @huggingface/tokenizers, @huggingface/jinja, and their dependencies
#   hymba-1.5b-files.tar.xz  the real config + tokenizer (../shared does not travel to the device)
# The Vulkan loader debs come from .gl/ (the lead prepares it; see /work/.library/device/README.md).
# Size: about 37 MB here. The device call also sends every tracked file (about 35 MB, mostly assets/models),
# and the whole must stay under 64 MiB: see bench/results/README.md "GPU run" for how to fit it.
# Usage (repo root): bash bench/gpu/prepare-carry.sh        Check: bash bench/gpu/prepare-carry.sh --check
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.carry/gpu
rm -rf "$out" && mkdir -p "$out"

# Symbols are not needed to run; the x86 branch filter shrinks machine code by a further ~5%.
strip -o /tmp/hymba-carry-node-stripped "$(command -v node)"
xz --x86 --lzma2=preset=9e -T0 -c /tmp/hymba-carry-node-stripped > "$out/node.xz"
rm -f /tmp/hymba-carry-node-stripped

mapfile -t modules < <(node bench/gpu/module-closure.mjs tsx onnx-proto onnxruntime-node @huggingface/tokenizers @huggingface/jinja)
tar -c --exclude='node_modules/onnxruntime-node/bin/napi-v6/darwin' --exclude='node_modules/onnxruntime-node/bin/napi-v6/win32' \
  --exclude='node_modules/onnxruntime-node/bin/napi-v6/linux/arm64' --exclude='node_modules/protobufjs/cli' \
  --exclude='node_modules/protobufjs/dist' --exclude='node_modules/@types' --exclude='*.map' --exclude='*.md' --exclude='*.d.ts' \
  --exclude='*.d.mts' --exclude='*.d.cts' $(printf '%s\n' "${modules[@]}" | grep -v '^node_modules/@types/') \
  | xz --x86 --lzma2=preset=9e -T0 > "$out/node_modules.tar.xz"

tar -C ../shared/fixtures -cJf "$out/hymba-1.5b-files.tar.xz" hymba-1.5b-files

du -b "$out"/* | awk '{ total += $1; printf "%8.1f MiB  %s\n", $1 / 1048576, $2 } END { printf "%8.1f MiB  total\n", total / 1048576 }'

if [[ "${1:-}" == "--check" ]]; then
  # Unpack into a scratch copy of the working tree and run the CPU bench from there with the packed Node and
  # node_modules only; the remaining arguments go to `hymba bench` (e.g. --quick --out "$PWD/bench/results").
  shift
  scratch=$(mktemp -d /tmp/hymba-carry-check.XXXXXX)
  git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} "$scratch" 2>/dev/null
  mkdir -p "$scratch/.carry" && cp -r .carry/gpu "$scratch/.carry/gpu"
  cd "$scratch"
  mkdir -p node-bin && xz -dc .carry/gpu/node.xz > node-bin/node && chmod +x node-bin/node
  tar -xJf .carry/gpu/node_modules.tar.xz && tar -xJf .carry/gpu/hymba-1.5b-files.tar.xz -C "$scratch"
  echo "carry check in $scratch"
  PATH="$scratch/node-bin:$PATH" node bin/hymba.mjs bench --source "$scratch/hymba-1.5b-files" "$@"
fi
