"""Hymba config: the Hugging Face config.json fields, and the layer roles derived from them (spec §1, §2, §4)."""
import math
from dataclasses import dataclass, field


@dataclass
class HymbaShape:
    """Sizes and layer roles read from a Hymba config.json."""
    vocab_size: int
    hidden_size: int
    num_layers: int
    num_heads: int
    num_kv_heads: int
    qk_head_dim: int
    v_head_dim: int
    d_inner: int
    intermediate_size: int
    num_meta_tokens: int
    sliding_window: int
    global_layers: list
    kv_source: list = field(default_factory=list)  # layer -> layer whose K/V it attends to (itself when it owns K/V)
    d_state: int = 16
    d_conv: int = 4
    dt_rank: int = 16
    rope_base: float = 10000.0
    rms_norm_eps: float = 1e-6

    def owns_kv(self, layer):
        return self.kv_source[layer] == layer

    def in_proj_rows(self, layer):
        """Output rows of mamba.in_proj: q | k | v | x | z, without k and v for consumer layers."""
        kv = self.num_kv_heads * (self.qk_head_dim + self.v_head_dim) if self.owns_kv(layer) else 0
        return self.num_heads * self.qk_head_dim + kv + 2 * self.d_inner


def shape_from_config(cfg):
    """Reads a config.json dict (the official field names) into a HymbaShape."""
    d = cfg['hidden_size']
    heads = cfg['num_attention_heads']
    attn = d if cfg.get('attn_hidden_size', -1) == -1 else cfg['attn_hidden_size']
    qk = attn // heads
    d_inner = cfg['mamba_expand'] * d
    layers = cfg['num_hidden_layers']
    source = list(range(layers))
    for group in cfg.get('kv_reuse_group') or []:
        for consumer in group[1:]:
            source[consumer] = group[0]
    ntk = 2 * cfg.get('max_position_embeddings', 8192) / cfg.get('orig_max_position_embeddings', 2048) - 1
    return HymbaShape(
        vocab_size=cfg['vocab_size'], hidden_size=d, num_layers=layers, num_heads=heads,
        num_kv_heads=cfg.get('num_key_value_heads', heads), qk_head_dim=qk, v_head_dim=d_inner // heads,
        d_inner=d_inner, intermediate_size=cfg['intermediate_size'], num_meta_tokens=cfg.get('num_memory_tokens', 0),
        sliding_window=cfg['sliding_window'], global_layers=list(cfg.get('global_attn_idx') or []), kv_source=source,
        d_state=cfg['mamba_d_state'], d_conv=cfg['mamba_d_conv'], dt_rank=cfg['mamba_dt_rank'],
        rope_base=cfg.get('rope_theta', 10000.0) * math.pow(ntk, qk / (qk - 2)), rms_norm_eps=cfg.get('rms_norm_eps', 1e-6),
    )


def embedded_config(reference, *, vocab_size, hidden_size, num_layers, num_heads, num_kv_heads, intermediate_size,
                    num_meta_tokens, sliding_window, global_layers, kv_reuse_groups, dt_rank, d_state=16, torch_dtype='bfloat16'):
    """A config.json for a small Hymba: every field of the real 1.5B config (`reference`), sizes replaced."""
    cfg = dict(reference)
    d_inner = cfg['mamba_expand'] * hidden_size
    cfg.update({
        'vocab_size': vocab_size, 'hidden_size': hidden_size, 'num_hidden_layers': num_layers,
        'num_attention_heads': num_heads, 'num_key_value_heads': num_kv_heads, 'intermediate_size': intermediate_size,
        'num_memory_tokens': num_meta_tokens, 'sliding_window': sliding_window, 'global_attn_idx': list(global_layers),
        'kv_reuse_group': [list(g) for g in kv_reuse_groups], 'mamba_dt_rank': dt_rank, 'mamba_d_state': d_state,
        'conv_dim': {str(i): d_inner for i in range(num_layers)}, 'layer_type': ['h'] * num_layers,
        'v_head_dim': d_inner // num_heads, 'torch_dtype': torch_dtype,
    })
    return dict(sorted(cfg.items()))
