#!/usr/bin/env bash
# The GPU benchmark, run on the device machine (NVIDIA H200, no Node, no network) from the repo root, with
# .carry/gpu (bench/gpu/prepare-carry.sh) and .gl (Vulkan loader debs) carried. Device command:
#   bash bench/gpu/run-on-device.sh            (carry: [".carry/gpu", ".gl"]; BUDGET_S=seconds, default 540;
#                                               TORCH=1 measures the PyTorch reference first (the GPU target);
#                                               PROBE=engine,before,... adds bench/gpu/webgpu-options-probe.ts at the
#                                               end, one process per variant, on the benchmark's int4 package;
#                                               PROBE_ONLY=1 runs nothing else; NO_AGREEMENT=1 skips step 3;
#                                               ROUNDS=N runs only step 4)
# Resumable: the workspace, finished bench phases and finished steps live in bench/work/gpu* (git-ignored,
# kept on a warm machine between calls), so a second call with the same command goes on where a call
# stopped at its time limit. Steps, in the order of what they prove:
#   1. Vulkan loader, Node + node_modules, GPU copy bandwidth (PyTorch).
#   2. With TORCH=1 first, alone on the GPU: the PyTorch batch-1 reference (bench/gpu/torch_hymba_decode.py),
#      which the benchmark then reports as the GPU target (--gpu-reference).
#      `hymba bench --quick --device webgpu --resume`: synth + convert the 1.5B layout, the engine's WebGPU
#      session (caches resident on the GPU, prompt chunks in closed form), then the Llama-3.2-3B-shaped baseline.
#   3. bench/gpu/device-agreement.ts on an int4 package converted at accuracy level 0 (float activations:
#      WebGPU must equal the CPU), then on the benchmark's level-4 package (both providers quantize
#      activations to int8, each its own way), over a 1,100-token prompt and 64 steps past M + W.
#   4. With ROUNDS=N instead: N interleaved rounds of the PyTorch reference and the engine's decode (the probe's
#      `engine` variant, synthetic caches at 512 and 8192), rotating which goes first, then
#      bench/gpu/rounds-summary.ts (medians and the per-round spread of the ratio). GRAPH_B=<carried folder>
#      adds a third process per round: the same package with that folder's files (e.g. an older model.onnx;
#      the weights are the workspace's) laid over it, labelled graph-b, and a graph-b vs engine summary; NO_TORCH=1
#      leaves the reference out (an A/B of two graphs only).
# Every step copies what it wrote to $OUT at once (a call stopped at its limit still returns it).
set -uo pipefail
started=$(date +%s)
budget=${BUDGET_S:-540}
elapsed() { echo $(( $(date +%s) - started )); }
left() { echo $(( budget - $(date +%s) + started )); }
OUT=${OUT:-/tmp/hymba-gpu-out}
work=bench/work/gpu
results=bench/work/gpu-results
mkdir -p "$OUT" "$results"
exec > >(tee -a "$OUT/run.log") 2>&1
collect() {
  cp "$results"/bench/latest-quick.json "$OUT/latest-quick-webgpu.json" 2>/dev/null
  cp "$results"/agreement-*.json "$results/torch-reference.json" "$OUT/" 2>/dev/null
  tar -czf "$OUT/gpu-results.tar.gz" -C "$results" .
}

for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[[ -f "$icd" ]] && export VK_DRIVER_FILES=$icd
if [[ ! -x /tmp/hymba-node/node ]]; then mkdir -p /tmp/hymba-node && xz -dc .carry/gpu/node.xz > /tmp/hymba-node/node && chmod +x /tmp/hymba-node/node; fi
export PATH=/tmp/hymba-node:$PATH
[[ -d node_modules/onnxruntime-node ]] || tar -xJf .carry/gpu/node_modules.tar.xz
[[ -d /tmp/hymba-1.5b-files ]] || tar -xJf .carry/gpu/hymba-1.5b-files.tar.xz -C /tmp
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv | tee "$results/nvidia-smi.csv"
lscpu | grep -E 'Model name|^CPU\(s\)' | tee "$results/lscpu.txt"
node -e "const o=require('onnxruntime-node');console.log(o.env.versions, o.listSupportedBackends())"

gbps=$(python3 -c "
import torch,time
x=torch.empty(2**30,dtype=torch.uint8,device='cuda');y=torch.empty_like(x)
for _ in range(3): y.copy_(x)
torch.cuda.synchronize();t=time.perf_counter()
for _ in range(20): y.copy_(x)
torch.cuda.synchronize();print(round(2*20*2**30/(time.perf_counter()-t)/1e9))")
echo "GPU copy bandwidth (read + write): ${gbps} GB/s after $(elapsed) s"


probe() {
  [[ -n "${PROBE:-}" ]] || return 0
  node --import tsx -e "import('./bench/src/workspace.ts').then((m) => m.prepareWorkspace('$work', '/tmp/hymba-1.5b-files', ['int4'], console.log))"
  for variant in ${PROBE//,/ }; do
    (( $(left) > 40 )) || break
    timeout $(( $(left) - 10 )) node --import tsx bench/gpu/webgpu-options-probe.ts "$work/packages/hymba-1.5b-int4" --variant "$variant" \
      --threads 0 --prompt 512 --steps 48 2>/dev/null | grep '^{' | tee -a "$results/webgpu-options-probe.jsonl"
  done
  cp "$results/webgpu-options-probe.jsonl" "$OUT/" 2>/dev/null
  echo "probe done after $(elapsed) s"
}
if [[ -n "${PROBE_ONLY:-}" ]]; then probe; exit 0; fi

if [[ -n "${ROUNDS:-}" ]]; then
  node --import tsx -e "import('./bench/src/workspace.ts').then((m) => m.prepareWorkspace('$work', '/tmp/hymba-1.5b-files', ['int4'], console.log))"
  torch_round() {
    PYTHONUNBUFFERED=1 timeout 120 python3 bench/gpu/torch_hymba_decode.py --config /tmp/hymba-1.5b-files/config.json \
      --out "$results/torch-round.json" --contexts 512,8192 --steps 32 >/dev/null &&
      python3 -c "import json; d = json.load(open('$results/torch-round.json')); d['round'] = $1; print(json.dumps(d))" | tee -a "$results/rounds.jsonl"
  }
  engine_round() { # engine_round <round> <package> [label]
    timeout 120 node --import tsx bench/gpu/webgpu-options-probe.ts "$2" --variant engine ${3:+--label "$3"} \
      --prompt 512 --steps 32 --contexts 512,8192 2>/dev/null | grep '^{' | sed "s/^{/{\"round\":$1,/" | tee -a "$results/rounds.jsonl"
  }
  steps=(engine_a)
  [[ -n "${NO_TORCH:-}" ]] || steps=(torch_round engine_a)
  engine_a() { engine_round "$1" "$work/packages/hymba-1.5b-int4"; }
  if [[ -n "${GRAPH_B:-}" ]]; then
    rm -rf "$work/packages/graph-b" && cp -al "$work/packages/hymba-1.5b-int4" "$work/packages/graph-b"
    for f in "$GRAPH_B"/*; do rm -f "$work/packages/graph-b/$(basename "$f")"; cp "$f" "$work/packages/graph-b/"; done
    engine_b() { engine_round "$1" "$work/packages/graph-b" graph-b; }
    steps+=(engine_b)
  fi
  for round in $(seq 1 "$ROUNDS"); do
    (( $(left) > 30 * ${#steps[@]} )) || break
    for k in "${!steps[@]}"; do "${steps[$(( (k + round - 1) % ${#steps[@]} ))]}" "$round"; done
    cp "$results/rounds.jsonl" "$OUT/"
  done
  node --import tsx bench/gpu/rounds-summary.ts "$results/rounds.jsonl" | tee "$results/rounds.md"
  [[ -n "${GRAPH_B:-}" ]] && node --import tsx bench/gpu/rounds-summary.ts "$results/rounds.jsonl" --baseline graph-b --candidate engine | tee -a "$results/rounds.md"
  cp "$results/rounds.md" "$OUT/" 2>/dev/null
  collect
  echo "done after $(elapsed) s"
  exit 0
fi

if [[ -n "${TORCH:-}" && ! -f "$results/torch-reference.json" ]]; then
  # Before the benchmark, alone on the GPU, so neither measurement disturbs the other.
  PYTHONUNBUFFERED=1 timeout 150 python3 bench/gpu/torch_hymba_decode.py --config /tmp/hymba-1.5b-files/config.json \
    --out "$results/torch-reference.json" --contexts 512,4096,8192 --steps 32 || echo "torch reference stopped after $(elapsed) s"
fi
reference=()
[[ -f "$results/torch-reference.json" ]] && reference=(--gpu-reference "$results/torch-reference.json")

if [[ ! -f "$results/bench/latest-quick.json" ]]; then
  timeout $(( $(left) - 20 )) node bin/hymba.mjs bench --quick --device webgpu --decode-steps 32 --threads 16 --resume "${reference[@]}" ${BENCH_FLAGS:-} \
    --work "$work" --source /tmp/hymba-1.5b-files --bandwidth-gbps "$gbps" --out "$results/bench" \
    || echo "bench stopped (time limit or error) after $(elapsed) s"
  collect
fi

checkpoint=$work/hymba-1.5b-random
exact=$work/packages/hymba-1.5b-int4-acc0
if [[ -z "${NO_AGREEMENT:-}" && -f "$checkpoint/config.json" && ! -f "$exact/manifest.json" ]] && (( $(left) > 120 )); then
  timeout $(( $(left) - 60 )) node bin/hymba.mjs convert "$checkpoint" "$exact" --dtype int4 --int4-accuracy 0 \
    || echo "accuracy-0 conversion stopped after $(elapsed) s"
fi
agree() { # agree <package> <name>
  if [[ -z "${NO_AGREEMENT:-}" && -f "$1/manifest.json" && ! -f "$results/agreement-$2.json" ]] && (( $(left) > 60 )); then
    timeout $(( $(left) - 10 )) node --import tsx bench/gpu/device-agreement.ts "$1" --device webgpu --prompt 1100 --steps 64 \
      --out "$results/agreement-$2.json" || echo "agreement $2 stopped after $(elapsed) s"
    collect
  fi
}
agree "$exact" acc0
agree "$work/packages/hymba-1.5b-int4" acc4
probe
collect
echo "done after $(elapsed) s"
