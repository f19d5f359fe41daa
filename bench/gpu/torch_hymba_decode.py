"""PyTorch batch-1 decode reference for the Hymba-1.5B layout on one GPU (bench/gpu/run-on-device.sh).

A plain eager re-implementation of the cached decode step (hymba-architecture.md §3, §5, §6) in bf16 with
random weights: fused in_proj, causal conv state, NTK RoPE, GQA attention over [meta | window] or global KV
caches with cross-layer KV sharing, Mamba-1 state update with dt/B/C RMSNorms, fusion, SwiGLU, tied head.
Caches are filled with random values of the exact shapes for each context (decode cost depends only on the
shapes), as the ONNX bench does for its synthetic contexts. Prints and writes one JSON object.

The same decode step is checked against the official code's logits (`--check <hymba-ref-a folder>`): the
fixture's weights, float32, every token of each extended sequence through the cache one at a time after the M
meta tokens, against `extended_nocache_logits_window_minus_1` (what the official cached decode equals, NOTES.md
of the fixture); exit status 1 above 1e-4.

Usage: python3 torch_hymba_decode.py --config config.json --out result.json [--contexts 512,4096,8192] [--steps 64]
       python3 torch_hymba_decode.py --check ../shared/fixtures/hymba-ref-a [--device cpu]
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F


def rms(x, w, eps):
    xf = x.float()
    return w * (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)


class Layout:
    def __init__(self, cfg):
        self.d = cfg['hidden_size']
        self.layers = cfg['num_hidden_layers']
        self.heads = cfg['num_attention_heads']
        self.kv_heads = cfg['num_key_value_heads']
        self.dqk = self.d // self.heads
        self.d_inner = cfg['mamba_expand'] * self.d
        self.dv = self.d_inner // self.heads
        self.ffn = cfg['intermediate_size']
        self.vocab = cfg['vocab_size']
        self.meta = cfg['num_memory_tokens']
        self.window = cfg['sliding_window']
        self.d_state = cfg['mamba_d_state']
        self.d_conv = cfg['mamba_d_conv']
        self.dt_rank = cfg['mamba_dt_rank']
        self.eps = cfg['rms_norm_eps']
        self.globals = set(cfg['global_attn_idx'])
        self.source = list(range(self.layers))
        for group in cfg['kv_reuse_group']:
            for layer in group[1:]:
                self.source[layer] = group[0]
        ntk = 2 * cfg['max_position_embeddings'] / cfg['orig_max_position_embeddings'] - 1
        self.rope_base = cfg['rope_theta'] * ntk ** (self.dqk / (self.dqk - 2))

    def owns_kv(self, i):
        return self.source[i] == i


def random_weights(lay, device, dtype):
    g = torch.Generator(device=device).manual_seed(0)

    def w(*shape, std=0.02):
        return (torch.randn(*shape, generator=g, device=device, dtype=torch.float32) * std).to(dtype)

    layers = []
    for i in range(lay.layers):
        rows = lay.d + (lay.kv_heads * (lay.dqk + lay.dv) if lay.owns_kv(i) else 0) + 2 * lay.d_inner
        layers.append({
            'in_norm': torch.ones(lay.d, device=device, dtype=dtype), 'in_proj': w(rows, lay.d),
            'conv_w': w(lay.d_inner, lay.d_conv, std=0.3), 'conv_b': w(lay.d_inner),
            'x_proj': w(lay.dt_rank + 2 * lay.d_state, lay.d_inner), 'dt_proj': w(lay.d_inner, lay.dt_rank, std=0.1),
            'dt_bias': w(lay.d_inner).float() - 4.0, 'A': -torch.exp(torch.rand(lay.d_inner, lay.d_state, device=device, generator=g) * 2),
            'D': torch.ones(lay.d_inner, device=device), 'dt_norm': torch.ones(lay.dt_rank, device=device, dtype=dtype),
            'b_norm': torch.ones(lay.d_state, device=device, dtype=dtype), 'c_norm': torch.ones(lay.d_state, device=device, dtype=dtype),
            'pre1': torch.ones(lay.d_inner, device=device, dtype=dtype), 'pre2': torch.ones(lay.d_inner, device=device, dtype=dtype),
            'out_proj': w(lay.d, lay.d_inner), 'moe_norm': torch.ones(lay.d, device=device, dtype=dtype),
            'gate': w(lay.ffn, lay.d), 'up': w(lay.ffn, lay.d), 'down': w(lay.d, lay.ffn),
        })
    return {'embed': w(lay.vocab, lay.d), 'final_norm': torch.ones(lay.d, device=device, dtype=dtype), 'layers': layers}


def checkpoint_weights(lay, tensors, device, dtype):
    """The decode step's weights from a Hugging Face Hymba state dict (official tensor names, tied head)."""
    def t(name, kind=dtype):
        return tensors[name].to(device=device, dtype=kind)

    layers = []
    for i in range(lay.layers):
        m = f'model.layers.{i}.mamba.'
        layers.append({
            'in_norm': t(f'model.layers.{i}.input_layernorm.weight'), 'in_proj': t(m + 'in_proj.weight'),
            'conv_w': t(m + 'conv1d.weight').view(lay.d_inner, lay.d_conv), 'conv_b': t(m + 'conv1d.bias'),
            'x_proj': t(m + 'x_proj.0.weight'), 'dt_proj': t(m + 'dt_proj.0.weight'),
            'dt_bias': t(m + 'dt_proj.0.bias', torch.float32), 'A': -torch.exp(t(m + 'A_log.0', torch.float32)),
            'D': t(m + 'D.0', torch.float32), 'dt_norm': t(m + 'dt_layernorm.weight'),
            'b_norm': t(m + 'B_layernorm.weight'), 'c_norm': t(m + 'C_layernorm.weight'),
            'pre1': t(m + 'pre_avg_layernorm1.weight'), 'pre2': t(m + 'pre_avg_layernorm2.weight'),
            'out_proj': t(m + 'out_proj.weight'), 'moe_norm': t(f'model.layers.{i}.pre_moe_layernorm.weight'),
            'gate': t(f'model.layers.{i}.moe.experts.0.gate_proj.weight'), 'up': t(f'model.layers.{i}.moe.experts.0.up_proj.weight'),
            'down': t(f'model.layers.{i}.moe.experts.0.down_proj.weight'),
        })
    return {'embed': t('model.embed_tokens.weight'), 'final_norm': t('model.final_layernorm.weight'),
            'meta': t('model.memory_tokens'), 'layers': layers}


def empty_cache(lay, device, dtype):
    """The cache before the first position: no keys, zero conv and SSM states."""
    cache = {'k': {}, 'v': {}, 'conv': [], 'ssm': [], 'positions': 0}
    for i in range(lay.layers):
        if lay.owns_kv(i):
            cache['k'][i] = torch.zeros(1, lay.kv_heads, 0, lay.dqk, device=device, dtype=dtype)
            cache['v'][i] = torch.zeros(1, lay.kv_heads, 0, lay.dv, device=device, dtype=dtype)
        cache['conv'].append(torch.zeros(1, lay.d_inner, lay.d_conv, device=device, dtype=dtype))
        cache['ssm'].append(torch.zeros(1, lay.d_inner, lay.d_state, device=device, dtype=dtype))
    return cache


def random_cache(lay, context, device, dtype):
    """Caches after `context` real tokens: globals hold meta + context, sliding producers meta + W (capped)."""
    positions = lay.meta + context
    cache = {'k': {}, 'v': {}, 'conv': [], 'ssm': []}
    for i in range(lay.layers):
        if lay.owns_kv(i):
            length = positions if i in lay.globals else min(positions, lay.meta + lay.window)
            cache['k'][i] = torch.randn(1, lay.kv_heads, length, lay.dqk, device=device, dtype=dtype) * 0.1
            cache['v'][i] = torch.randn(1, lay.kv_heads, length, lay.dv, device=device, dtype=dtype) * 0.1
        cache['conv'].append(torch.randn(1, lay.d_inner, lay.d_conv, device=device, dtype=dtype) * 0.1)
        cache['ssm'].append(torch.randn(1, lay.d_inner, lay.d_state, device=device, dtype=dtype) * 0.1)
    cache['positions'] = positions
    return cache


def cache_bytes(cache):
    tensors = list(cache['k'].values()) + list(cache['v'].values()) + cache['conv'] + cache['ssm']
    return sum(t.numel() * t.element_size() for t in tensors)


def rope(x, pos, lay):
    half = lay.dqk // 2
    inv = 1.0 / (lay.rope_base ** (torch.arange(half, device=x.device, dtype=torch.float32) * 2 / lay.dqk))
    ang = pos * inv
    cos, sin = torch.cat([ang.cos(), ang.cos()]).to(x.dtype), torch.cat([ang.sin(), ang.sin()]).to(x.dtype)
    return x * cos + torch.cat([-x[..., half:], x[..., :half]], dim=-1) * sin


@torch.no_grad()
def decode_step(lay, wts, cache, token, embedding=None):
    """One token (or a meta token's `embedding`) through every layer; updates `cache` in place; returns logits
    [vocab] (float32)."""
    pos = cache['positions']
    h = (wts['embed'][token] if embedding is None else embedding).view(1, lay.d)
    shared = {}
    for i, p in enumerate(wts['layers']):
        u = rms(h, p['in_norm'], lay.eps)
        proj = u @ p['in_proj'].T
        q = proj[:, :lay.d]
        rest = proj[:, lay.d:]
        if lay.owns_kv(i):
            kw, vw = lay.kv_heads * lay.dqk, lay.kv_heads * lay.dv
            k, v, rest = rest[:, :kw], rest[:, kw:kw + vw], rest[:, kw + vw:]
            k = rope(k.view(1, lay.kv_heads, 1, lay.dqk), pos, lay)
            keys, values = cache['k'][i], cache['v'][i]
            if i not in lay.globals and keys.shape[2] + 1 > lay.meta + lay.window:
                keys = torch.cat([keys[:, :, :lay.meta], keys[:, :, -(lay.window - 1):]], dim=2)
                values = torch.cat([values[:, :, :lay.meta], values[:, :, -(lay.window - 1):]], dim=2)
            keys = torch.cat([keys, k], dim=2)
            values = torch.cat([values, v.view(1, lay.kv_heads, 1, lay.dv)], dim=2)
            cache['k'][i], cache['v'][i] = keys, values
            shared[i] = (keys, values)
        keys, values = shared[lay.source[i]]
        x, z = rest[:, :lay.d_inner], rest[:, lay.d_inner:]
        qh = rope(q.view(1, lay.heads, 1, lay.dqk), pos, lay).view(1, lay.kv_heads, lay.heads // lay.kv_heads, lay.dqk)
        probs = torch.softmax((qh @ keys.transpose(-1, -2)).float() / math.sqrt(lay.dqk), dim=-1).to(values.dtype)
        attn = (probs @ values).reshape(1, lay.d_inner)
        conv = torch.cat([cache['conv'][i][:, :, 1:], x.view(1, lay.d_inner, 1)], dim=-1)
        cache['conv'][i] = conv
        xc = F.silu((conv * p['conv_w']).sum(-1) + p['conv_b'])
        s = xc @ p['x_proj'].T
        dt_r, B, C = s.split([lay.dt_rank, lay.d_state, lay.d_state], dim=-1)
        dt = F.softplus((rms(dt_r, p['dt_norm'], lay.eps) @ p['dt_proj'].T).float() + p['dt_bias'])
        B, C = rms(B, p['b_norm'], lay.eps).float(), rms(C, p['c_norm'], lay.eps).float()
        hs = cache['ssm'][i].float() * torch.exp(dt.view(-1, 1) * p['A']) + (dt * xc.float()).view(-1, 1) * B.view(1, -1)
        cache['ssm'][i] = hs.to(h.dtype)
        y = ((hs @ C.view(-1, 1)).view(1, -1) + p['D'] * xc.float()) * F.silu(z.float())
        fused = (rms(attn, p['pre1'], lay.eps) + rms(y.to(h.dtype), p['pre2'], lay.eps)) / 2
        h = h + fused @ p['out_proj'].T
        m = rms(h, p['moe_norm'], lay.eps)
        h = h + (F.silu(m @ p['gate'].T) * (m @ p['up'].T)) @ p['down'].T
    cache['positions'] = pos + 1
    return (rms(h, wts['final_norm'], lay.eps) @ wts['embed'].T).float().view(-1)


def check(folder, device):
    """Token-by-token decode of the fixture's extended sequences against the official logits; max |diff|."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tools', 'train'))
    from hymba.safetensors_io import load_file  # the training tools' reader (no safetensors package needed)
    lay = Layout(json.load(open(os.path.join(folder, 'config.json'))))
    wts = checkpoint_weights(lay, load_file(os.path.join(folder, 'model.safetensors')), device, torch.float32)
    reference = load_file(os.path.join(folder, 'reference.safetensors'))
    worst = 0.0
    for case in json.load(open(os.path.join(folder, 'reference.json')))['cases']:
        cache = empty_cache(lay, device, torch.float32)
        for m in range(lay.meta):
            decode_step(lay, wts, cache, None, embedding=wts['meta'][m])
        rows = torch.stack([decode_step(lay, wts, cache, int(t)) for t in reference[f'{case}.extended_input_ids']])
        diff = float((rows.cpu() - reference[f'{case}.extended_nocache_logits_window_minus_1']).abs().max())
        print(json.dumps({'case': case, 'positions': rows.shape[0], 'maxAbsLogitDiff': diff}), flush=True)
        worst = max(worst, diff)
    return worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--config')
    ap.add_argument('--out')
    ap.add_argument('--contexts', default='512,4096,8192')
    ap.add_argument('--steps', type=int, default=64)
    ap.add_argument('--check', help='hymba-ref-a fixture folder: compare the decode step with the official logits')
    ap.add_argument('--device', default='cuda')
    args = ap.parse_args()
    if args.check:
        worst = check(args.check, args.device)
        print(f'reference check: {"PASS" if worst <= 1e-4 else "FAIL"} max_abs={worst:.2e}')
        sys.exit(0 if worst <= 1e-4 else 1)
    if not args.config or not args.out:
        ap.error('--config and --out are required (or --check)')
    lay = Layout(json.load(open(args.config)))
    device, dtype = args.device, torch.bfloat16
    wts = random_weights(lay, device, dtype)
    result = {'device': torch.cuda.get_device_name(0), 'torch': torch.__version__, 'dtype': 'bfloat16', 'batch': 1, 'mode': 'eager', 'decode': []}
    token = 1
    for context in [int(c) for c in args.contexts.split(',')]:
        cache = random_cache(lay, context, device, dtype)
        bytes_before = cache_bytes(cache)
        for _ in range(3):
            logits = decode_step(lay, wts, cache, token)
            token = int(logits.argmax())
        torch.cuda.synchronize()
        started = time.perf_counter()
        for _ in range(args.steps):
            logits = decode_step(lay, wts, cache, token)
            token = int(logits.argmax())  # greedy: one host sync per token, as generate() does
        torch.cuda.synchronize()
        seconds = time.perf_counter() - started
        result['decode'].append({'context': context, 'steps': args.steps, 'tokensPerSec': args.steps / seconds, 'msPerToken': 1000 * seconds / args.steps, 'cacheBytes': bytes_before})
        print(json.dumps(result['decode'][-1]), flush=True)
    json.dump(result, open(args.out, 'w'), indent=2)


if __name__ == '__main__':
    main()
