#!/usr/bin/env python3
"""CPU smoke test of the whole training pipeline (tiny model, byte-level stand-in tokenizer, a few steps).

    python3 tools/train/smoke_test.py --data .carry/data --fixtures <dir with hymba-ref-a/ and hymba-1.5b-files/>

Checks that every stage runs end to end and that the exported folder loads back with identical logits.
"""
import json
import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as trainer  # noqa: E402
from check_reference import load_model  # noqa: E402


class ByteCodec:
    """Stand-in tokenizer: one id per UTF-8 byte (3 + byte), offsets per character."""
    vocab_size = 260

    def encode_batch(self, texts):
        out = []
        for text in texts:
            ids, offsets = [], []
            for i, ch in enumerate(text):
                for b in ch.encode('utf-8'):
                    ids.append(3 + b)
                    offsets.append((i, i + 1))
            out.append((ids, offsets))
        return out

    def decode(self, ids):
        return bytes(i - 3 for i in ids if 3 <= i < 259).decode('utf-8', errors='replace')


def main():
    args = trainer.parse_args(sys.argv[1:] + ['--out', tempfile.mkdtemp(), '--work', tempfile.mkdtemp(), '--base-steps', '6', '--instruct-steps', '6'])
    arch = {'hidden_size': 32, 'num_layers': 5, 'num_heads': 2, 'num_kv_heads': 1, 'intermediate_size': 48, 'num_meta_tokens': 4,
            'sliding_window': 16, 'global_layers': [0, 4], 'kv_reuse_groups': [[1, 2, 3]], 'dt_rank': 4}
    base = dict(trainer.BASE, batch=2, eval_every=3, warmup=2)
    instruct = dict(trainer.INSTRUCT, tokens_per_batch=2048, brown_batch=2, brown_seq=32, warmup=2, max_len=300)
    results = trainer.run(args, arch=arch, seq=64, base=base, instruct=instruct, make_codec=lambda: (ByteCodec(), {'tokenizer.json': {}}), limit=3)
    assert results['reference_check']['pass'], results['reference_check']
    assert results['base_history']['best_step'] in (3, 6)
    folder = os.path.join(args.work, 'hymba-desk-instruct')
    model = load_model(folder)
    with open(os.path.join(folder, 'config.json')) as f:
        config = json.load(f)
    assert config['num_memory_tokens'] == 4 and config['kv_reuse_group'] == [[1, 2, 3]] and config['vocab_size'] == 260
    ids = torch.tensor([[1, 50, 60, 70]])
    with torch.no_grad():
        logits = model(ids)
    assert torch.isfinite(logits).all()
    print('parts', results['base_parts'], results['instruct_parts'])
    print('samples', results['instruct_eval']['samples'][:2])
    print('smoke test passed')


if __name__ == '__main__':
    main()
