"""Checks the Hymba implementation against the official-code fixture hymba-ref-a (float32, spec §3-§4).

    python3 tools/train/check_reference.py <fixture-dir>     # exit 0 when every logit is within 1e-4

Compares full-sequence logits for every case: full_logits (prompt), extended_nocache_logits (prompt + greedy
tokens, longer than window + meta so the sliding mask is exercised), extended_nocache_logits_window_minus_1, and
every layer's hidden states.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hymba.config import shape_from_config  # noqa: E402
from hymba.model import HymbaForCausalLM  # noqa: E402
from hymba.safetensors_io import load_file  # noqa: E402

TOLERANCE = 1e-4


def load_model(folder, device='cpu', dtype=torch.float32):
    """Builds a model from an HF folder (config.json + model.safetensors, lm_head tied)."""
    with open(os.path.join(folder, 'config.json')) as f:
        shape = shape_from_config(json.load(f))
    model = HymbaForCausalLM(shape)
    state = {k: v.to(dtype) for k, v in load_file(os.path.join(folder, 'model.safetensors')).items() if k != 'lm_head.weight'}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(f'checkpoint mismatch: missing {missing}, unexpected {unexpected}')
    return model.to(device).eval()


def check(folder, device='cpu'):
    """Returns (max_abs_diff, report lines)."""
    if device == 'cuda':
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    model = load_model(folder, device)
    ref = load_file(os.path.join(folder, 'reference.safetensors'))
    W = model.shape.sliding_window
    worst = 0.0
    lines = []
    cases = sorted({k.split('.')[0] for k in ref})
    with torch.no_grad():
        for case in cases:
            for ids_key, logits_key, window in [('input_ids', 'full_logits', W), ('extended_input_ids', 'extended_nocache_logits', W),
                                                 ('extended_input_ids', 'extended_nocache_logits_window_minus_1', W - 1)]:
                ids = ref[f'{case}.{ids_key}'].to(device)[None]
                got = model(ids, window=window)[0].cpu()
                diff = (got - ref[f'{case}.{logits_key}']).abs().max().item()
                worst = max(worst, diff)
                lines.append(f'{case}.{logits_key}: max|diff| {diff:.3e} over {tuple(got.shape)}')
            ids = ref[f'{case}.input_ids'].to(device)[None]
            _, layers = model.hidden_states(ids, collect=True)
            # The fixture stacks (meta + embeddings, layer 0 .. layer n-2 outputs, final-normed last layer output).
            emb = torch.cat([model.model.memory_tokens, model.model.embed_tokens(ids[0])])
            got = torch.stack([emb] + [h[0] for h in layers[:-1]] + [model.model.final_layernorm(layers[-1][0])]).cpu()
            diff = (got - ref[f'{case}.hidden_states_nocache']).abs().max().item()
            worst = max(worst, diff)
            lines.append(f'{case}.hidden_states_nocache (layers): max|diff| {diff:.3e}')
    return worst, lines


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '../../../shared/fixtures/hymba-ref-a')
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    worst, lines = check(folder, device)
    print('\n'.join(lines))
    print(f'reference check on {device}: worst {worst:.3e} (tolerance {TOLERANCE}) -> {"PASS" if worst <= TOLERANCE else "FAIL"}')
    sys.exit(0 if worst <= TOLERANCE else 1)


if __name__ == '__main__':
    main()
