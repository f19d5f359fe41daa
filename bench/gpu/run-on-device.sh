#!/usr/bin/env bash
# The GPU benchmark, run on the device machine (NVIDIA H200, no Node, no network) from the repo root, with
# .carry (bench/gpu/prepare-carry.sh) and .gl (Vulkan loader debs) carried. Device command, well under
# 2000 characters:   bash bench/gpu/run-on-device.sh          (carry: [".carry/gpu", ".gl"])
# Steps: Vulkan loader → Node + node_modules → GPU memory bandwidth (PyTorch copy) → `hymba bench --quick
# --device webgpu` (synth + convert the 1.5B layout there; engine rule: no CPU fallback) → the same with CPU
# fallback allowed if the strict run could not use WebGPU → PyTorch batch-1 decode reference → the full
# bench if time is left. Everything lands in $OUT (at most 8 files): a tarball, the logs and the JSON heads.
set -uo pipefail
started=$(date +%s)
elapsed() { echo $(( $(date +%s) - started )); }
OUT=${OUT:-/tmp/hymba-gpu-out}
results=/tmp/hymba-gpu-results
mkdir -p "$OUT" "$results"
log="$OUT/run.log"
exec > >(tee -a "$log") 2>&1

for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[[ -f "$icd" ]] && export VK_DRIVER_FILES=$icd
mkdir -p /tmp/hymba-node && xz -dc .carry/gpu/node.xz > /tmp/hymba-node/node && chmod +x /tmp/hymba-node/node
export PATH=/tmp/hymba-node:$PATH
tar -xJf .carry/gpu/node_modules.tar.xz && tar -xJf .carry/gpu/hymba-1.5b-files.tar.xz -C /tmp
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv > "$results/nvidia-smi.csv"
node -e "const o=require('onnxruntime-node');console.log(o.env.versions, o.listSupportedBackends())"

gbps=$(python3 -c "
import torch,time
x=torch.empty(2**30,dtype=torch.uint8,device='cuda');y=torch.empty_like(x)
for _ in range(3): y.copy_(x)
torch.cuda.synchronize();t=time.perf_counter()
for _ in range(20): y.copy_(x)
torch.cuda.synchronize();print(round(2*20*2**30/(time.perf_counter()-t)/1e9))")
echo "GPU copy bandwidth (read + write): ${gbps} GB/s after $(elapsed) s"

common=(--device webgpu --threads 16 --work /tmp/hymba-bench-work --source /tmp/hymba-1.5b-files --bandwidth-gbps "$gbps")
timeout 400 node bin/hymba.mjs bench --quick --out "$results/strict" "${common[@]}"
used=$(node -e "try{console.log(require('$results/strict/latest-quick.json').device.used)}catch{console.log('none')}")
echo "strict quick run used: $used after $(elapsed) s"
if [[ "$used" != "webgpu" ]]; then
  timeout 150 node bin/hymba.mjs bench --quick --allow-cpu-fallback --out "$results/fallback" "${common[@]}"
fi

python3 bench/gpu/torch_hymba_decode.py --config /tmp/hymba-1.5b-files/config.json --out "$results/torch-reference.json" --contexts 512,4096,8192 --steps 32
echo "torch reference done after $(elapsed) s"

left=$(( 500 - $(elapsed) ))
if (( left > 120 )); then
  flags=(); [[ "$used" != "webgpu" ]] && flags=(--allow-cpu-fallback)
  timeout "$left" node bin/hymba.mjs bench --out "$results/full" "${flags[@]}" "${common[@]}" || echo "full run stopped (time limit or error)"
fi

cp "$results"/strict/latest-quick.json "$OUT/latest-quick-strict.json" 2>/dev/null
cp "$results"/fallback/latest-quick.json "$OUT/latest-quick-fallback.json" 2>/dev/null
cp "$results/torch-reference.json" "$OUT/" 2>/dev/null
tar -czf "$OUT/gpu-results.tar.gz" -C "$results" .
echo "done after $(elapsed) s"
