"""Hymba decoder (spec §2-§4) with the official module and tensor names, full-sequence (no cache) forward.

Tensor names match the Hugging Face checkpoint: model.embed_tokens.weight, model.memory_tokens,
model.layers.{i}.{input_layernorm, mamba.*, pre_moe_layernorm, moe.experts.0.*}, model.final_layernorm.weight;
lm_head is tied to the embedding and never stored.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from .scan import selective_scan


class RMSNorm(nn.Module):
    """weight * cast_back(x_f32 * rsqrt(mean(x_f32^2) + eps)): the cast happens before the weight multiply."""

    def __init__(self, width, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.eps = eps

    def forward(self, x):
        xf = x.float()
        return self.weight * (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype)


def rope_tables(shape, length, device):
    """cos, sin [length, qk_head_dim] in float32 for positions 0..length-1 (meta tokens included), NTK base."""
    half = shape.qk_head_dim // 2
    inv_freq = 1.0 / (shape.rope_base ** (torch.arange(0, half, device=device, dtype=torch.float32) * 2 / shape.qk_head_dim))
    angles = torch.arange(length, device=device, dtype=torch.float32)[:, None] * inv_freq[None, :]
    angles = torch.cat([angles, angles], dim=-1)
    return angles.cos(), angles.sin()


def apply_rope(x, cos, sin):
    """Rotate-half RoPE on [b, heads, L, dim] in float32, returned in x's dtype."""
    xf = x.float()
    half = xf.shape[-1] // 2
    rotated = torch.cat([-xf[..., half:], xf[..., :half]], dim=-1)
    return (xf * cos + rotated * sin).to(x.dtype)


def attention_mask(shape, length, sliding, device, window=None):
    """[L, L] bool, True = visible. Sliding layers see (q - kv <= W) or kv < M, always causally (spec §4)."""
    q = torch.arange(length, device=device)[:, None]
    kv = torch.arange(length, device=device)[None, :]
    mask = kv <= q
    if sliding:
        w = shape.sliding_window if window is None else window
        mask = mask & ((q - kv <= w) | (kv < shape.num_meta_tokens))
    return mask


def attend(q, k, v, mask, scale):
    """Softmax attention; q [b, H, L, dqk], k [b, H, L, dqk], v [b, H, L, dv], mask [L, L] bool."""
    if hasattr(F, 'scaled_dot_product_attention'):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale
    scores = scores.masked_fill(~mask, float('-inf'))
    return torch.matmul(torch.softmax(scores.float(), dim=-1).to(v.dtype), v)


class HymbaMixer(nn.Module):
    """Hybrid head block: fused in_proj -> (attention on q,k,v) + (conv + selective scan on x, gate z) -> fusion."""

    def __init__(self, shape, layer):
        super().__init__()
        s = shape
        self.shape, self.layer = s, layer
        self.owns_kv = s.owns_kv(layer)
        self.sliding = layer not in s.global_layers
        self.in_proj = nn.Linear(s.hidden_size, s.in_proj_rows(layer), bias=False)
        self.conv1d = nn.Conv1d(s.d_inner, s.d_inner, s.d_conv, groups=s.d_inner, padding=s.d_conv - 1, bias=True)
        self.x_proj = nn.ModuleList([nn.Linear(s.d_inner, s.dt_rank + 2 * s.d_state, bias=False)])
        self.dt_proj = nn.ModuleList([nn.Linear(s.dt_rank, s.d_inner, bias=True)])
        self.A_log = nn.ParameterList([nn.Parameter(torch.log(torch.arange(1, s.d_state + 1, dtype=torch.float32)).repeat(s.d_inner, 1))])
        self.D = nn.ParameterList([nn.Parameter(torch.ones(s.d_inner))])
        self.dt_layernorm = RMSNorm(s.dt_rank, s.rms_norm_eps)
        self.B_layernorm = RMSNorm(s.d_state, s.rms_norm_eps)
        self.C_layernorm = RMSNorm(s.d_state, s.rms_norm_eps)
        self.pre_avg_layernorm1 = RMSNorm(s.d_inner, s.rms_norm_eps)
        self.pre_avg_layernorm2 = RMSNorm(s.d_inner, s.rms_norm_eps)
        self.out_proj = nn.Linear(s.d_inner, s.hidden_size, bias=False)

    def split_projection(self, p):
        """p [b, L, rows] -> q [b, L, H*dqk], k, v (None for consumers), x [b, L, d_inner], z [b, L, d_inner]."""
        s = self.shape
        sizes = [s.num_heads * s.qk_head_dim]
        if self.owns_kv:
            sizes += [s.num_kv_heads * s.qk_head_dim, s.num_kv_heads * s.v_head_dim]
        sizes += [s.d_inner, s.d_inner]
        parts = torch.split(p, sizes, dim=-1)
        if self.owns_kv:
            return parts
        return parts[0], None, None, parts[1], parts[2]

    def attention(self, q, k, v, shared_kv, rope, masks):
        s = self.shape
        b, L, _ = q.shape
        cos, sin = rope
        q = apply_rope(q.view(b, L, s.num_heads, s.qk_head_dim).transpose(1, 2), cos, sin)
        if self.owns_kv:
            k = apply_rope(k.view(b, L, s.num_kv_heads, s.qk_head_dim).transpose(1, 2), cos, sin)   # [b, Hkv, L, dqk]
            v = v.view(b, L, s.num_kv_heads, s.v_head_dim).transpose(1, 2)                            # [b, Hkv, L, dv]
            shared_kv[self.layer] = (k, v)
        else:
            k, v = shared_kv[s.kv_source[self.layer]]
        group = s.num_heads // s.num_kv_heads
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        out = attend(q, k.to(q.dtype), v.to(q.dtype), masks['sliding' if self.sliding else 'global'], 1.0 / math.sqrt(s.qk_head_dim))
        return out.transpose(1, 2).reshape(b, L, s.num_heads * s.v_head_dim)                          # [b, L, H*dv]

    def ssm(self, x, z):
        """x: conv output [b, L, d_inner]; z: gate [b, L, d_inner]. Returns [b, L, d_inner]."""
        s = self.shape
        proj = self.x_proj[0](x)
        dt_r, B, C = torch.split(proj, [s.dt_rank, s.d_state, s.d_state], dim=-1)
        dt_r, B, C = self.dt_layernorm(dt_r), self.B_layernorm(B), self.C_layernorm(C)
        dt_raw = F.linear(dt_r, self.dt_proj[0].weight)                      # bias added in float32 below
        dt = F.softplus(dt_raw.float() + self.dt_proj[0].bias.float())     # threshold 20
        A = -torch.exp(self.A_log[0].float())
        xf = x.float()
        y = selective_scan(dt, A, B.float(), C.float(), xf) + xf * self.D[0].float()
        return (y * F.silu(z.float())).to(x.dtype)

    def causal_conv(self, x):
        """Depthwise causal conv + SiLU on x [b, L, d_inner]: b_c + sum_k w[c, k] * x[t - K + 1 + k, c], zero left padding.
        Written as K shifted multiply-adds (cheaper to train than a grouped convolution); weights stay in conv1d."""
        L = x.shape[1]
        w = self.conv1d.weight[:, 0, :]                                      # [d_inner, K]
        K = w.shape[1]
        padded = F.pad(x, (0, 0, K - 1, 0))
        out = self.conv1d.bias + sum(padded[:, k:k + L] * w[:, k] for k in range(K))
        return F.silu(out).to(x.dtype)

    def forward(self, u, shared_kv, rope, masks):
        q, k, v, x, z = self.split_projection(self.in_proj(u))
        x = self.causal_conv(x)
        attn = self.attention(q, k, v, shared_kv, rope, masks)
        ssm = self.ssm(x, z)
        fused = (self.pre_avg_layernorm1(attn) + self.pre_avg_layernorm2(ssm)) / 2
        return self.out_proj(fused)


class SwiGLU(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.gate_proj = nn.Linear(width, hidden, bias=False)
        self.up_proj = nn.Linear(width, hidden, bias=False)
        self.down_proj = nn.Linear(hidden, width, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class SingleExpert(nn.Module):
    """The official "MoE" with one expert and no router: just one SwiGLU MLP under moe.experts.0."""

    def __init__(self, width, hidden):
        super().__init__()
        self.experts = nn.ModuleList([SwiGLU(width, hidden)])

    def forward(self, x):
        return self.experts[0](x)


class HymbaLayer(nn.Module):
    def __init__(self, shape, layer):
        super().__init__()
        self.input_layernorm = RMSNorm(shape.hidden_size, shape.rms_norm_eps)
        self.mamba = HymbaMixer(shape, layer)
        self.pre_moe_layernorm = RMSNorm(shape.hidden_size, shape.rms_norm_eps)
        self.moe = SingleExpert(shape.hidden_size, shape.intermediate_size)

    def forward(self, h, shared_kv, rope, masks, dropout):
        h = h + F.dropout(self.mamba(self.input_layernorm(h), shared_kv, rope, masks), dropout, self.training)
        return h + F.dropout(self.moe(self.pre_moe_layernorm(h)), dropout, self.training)


class HymbaBody(nn.Module):
    """The `model.` prefix of the checkpoint."""

    def __init__(self, shape):
        super().__init__()
        self.embed_tokens = nn.Embedding(shape.vocab_size, shape.hidden_size)
        self.memory_tokens = nn.Parameter(torch.randn(shape.num_meta_tokens, shape.hidden_size))
        self.layers = nn.ModuleList([HymbaLayer(shape, i) for i in range(shape.num_layers)])
        self.final_layernorm = RMSNorm(shape.hidden_size, shape.rms_norm_eps)


class HymbaForCausalLM(nn.Module):
    """Full-sequence Hymba: meta tokens prepended, all positions computed, meta rows dropped before the head."""

    def __init__(self, shape):
        super().__init__()
        self.shape = shape
        self.model = HymbaBody(shape)
        self.dropout = 0.0

    def hidden_states(self, input_ids, window=None, collect=False):
        """input_ids [b, n] -> final-normed hidden [b, n, d] (and per-layer outputs incl. meta rows if collect)."""
        s = self.shape
        b, n = input_ids.shape
        emb = self.model.embed_tokens(input_ids)
        h = torch.cat([self.model.memory_tokens[None].expand(b, -1, -1).to(emb.dtype), emb], dim=1)  # [b, M+n, d]
        L = h.shape[1]
        rope = rope_tables(s, L, h.device)
        masks = {'global': attention_mask(s, L, False, h.device), 'sliding': attention_mask(s, L, True, h.device, window)}
        shared_kv = {}
        layers_out = []
        for layer in self.model.layers:
            h = layer(h, shared_kv, rope, masks, self.dropout)
            if collect:
                layers_out.append(h)
        out = self.model.final_layernorm(h)[:, s.num_meta_tokens:]
        return (out, layers_out) if collect else out

    def logits(self, hidden):
        return F.linear(hidden, self.model.embed_tokens.weight).float()

    def forward(self, input_ids, window=None):
        return self.logits(self.hidden_states(input_ids, window))
