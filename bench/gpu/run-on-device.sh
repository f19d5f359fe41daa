#!/usr/bin/env bash
# The GPU benchmark, run on the device machine (NVIDIA H200, no Node, no network) from the repo root, with
# .carry/gpu (bench/gpu/prepare-carry.sh) and .gl (Vulkan loader debs) carried. Device command:
#   bash bench/gpu/run-on-device.sh            (carry: [".carry/gpu", ".gl"]; BUDGET_S=seconds, default 420;
#                                               SKIP_TORCH=1 leaves out the PyTorch reference)
# Steps, inside one time budget:
#   1. Vulkan loader, Node + node_modules, GPU copy bandwidth (PyTorch).
#   2. In the background on the GPU while the CPU builds the workspace: the PyTorch batch-1 decode reference
#      (bench/gpu/torch_hymba_decode.py, eager bf16, random weights, 512/4k/8k).
#   3. `hymba bench --quick --device webgpu` (synth + convert the 1.5B layout there; the engine's WebGPU
#      session: caches resident on the GPU, Scan on the CPU).
#   4. bench/gpu/device-agreement.ts: the engine's loadModel path on the CPU and on WebGPU over the same
#      1,100-token prompt and 64 teacher-forced steps (past M + W): logit agreement and decode speed.
# Everything lands in $OUT (at most 8 files): logs, JSON heads and a tarball of the results folders.
set -uo pipefail
started=$(date +%s)
budget=${BUDGET_S:-420}
elapsed() { echo $(( $(date +%s) - started )); }
left() { echo $(( budget - $(date +%s) + started )); }
OUT=${OUT:-/tmp/hymba-gpu-out}
results=/tmp/hymba-gpu-results
mkdir -p "$OUT" "$results"
exec > >(tee -a "$OUT/run.log") 2>&1

for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[[ -f "$icd" ]] && export VK_DRIVER_FILES=$icd
mkdir -p /tmp/hymba-node && xz -dc .carry/gpu/node.xz > /tmp/hymba-node/node && chmod +x /tmp/hymba-node/node
export PATH=/tmp/hymba-node:$PATH
tar -xJf .carry/gpu/node_modules.tar.xz && tar -xJf .carry/gpu/hymba-1.5b-files.tar.xz -C /tmp
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

torch_pid=
if [[ -z "${SKIP_TORCH:-}" ]]; then
  PYTHONUNBUFFERED=1 timeout 120 python3 bench/gpu/torch_hymba_decode.py --config /tmp/hymba-1.5b-files/config.json \
    --out "$results/torch-reference.json" --contexts 512,4096,8192 --steps 32 > "$results/torch.log" 2>&1 &
  torch_pid=$!
fi

timeout $(( $(left) - 60 )) node bin/hymba.mjs bench --quick --device webgpu --decode-steps 32 --threads 16 ${BENCH_FLAGS:-} \
  --work /tmp/hymba-bench-work --source /tmp/hymba-1.5b-files --bandwidth-gbps "$gbps" --out "$results/bench" \
  || echo "bench stopped (time limit or error) after $(elapsed) s"
if [[ -n "$torch_pid" ]]; then wait "$torch_pid"; echo "torch reference exit $? (log below)"; cat "$results/torch.log"; fi

package=/tmp/hymba-bench-work/packages/hymba-1.5b-int4
if [[ -f "$package/manifest.json" ]] && (( $(left) > 30 )); then
  timeout $(( $(left) - 10 )) node --import tsx bench/gpu/device-agreement.ts "$package" --device webgpu --prompt 1100 --steps 64 \
    --out "$results/agreement.json" || echo "agreement stopped after $(elapsed) s"
fi

cp "$results"/bench/latest-quick.json "$OUT/latest-quick-webgpu.json" 2>/dev/null
cp "$results/torch-reference.json" "$results/agreement.json" "$OUT/" 2>/dev/null
tar -czf "$OUT/gpu-results.tar.gz" -C "$results" .
echo "done after $(elapsed) s"
