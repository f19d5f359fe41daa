#!/usr/bin/env python3
"""CPU smoke test of the whole training pipeline (tiny model, byte-level stand-in tokenizer, a few steps).

    python3 tools/train/smoke_test.py --data .carry/data --fixtures <dir with hymba-ref-a/ and hymba-1.5b-files/>

Checks that every stage runs end to end, that the exported folder loads back with identical logits, that an
Instruct run started from the exported Base folder (--base-from) gives bit-identical Instruct weights, and that the
step planner fits a 'wsd' run into a time budget.
"""
import json
import os
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as trainer  # noqa: E402
from check_reference import load_model  # noqa: E402
from hymba.safetensors_io import load_file  # noqa: E402
from hymba.training import StepPlanner, lr_at, train  # noqa: E402


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


def check_base_from(argv, first, work, run_tiny):
    """Instruct from the exported Base folder: same Base perplexity, same Instruct weights as the one-command run."""
    base_dir = os.path.join(work, 'hymba-desk-base')
    args = trainer.parse_args(argv + ['--out', tempfile.mkdtemp(), '--work', tempfile.mkdtemp(), '--base-from', base_dir,
                                      '--instruct-steps', '6'])
    args.fixtures = None
    second = run_tiny(args)
    assert 'reference_check' not in second and second['base_from']['folder'] == base_dir
    assert abs(second['base_eval']['heldout_perplexity'] - first['base_eval']['heldout_perplexity']) < 1e-6 * first['base_eval']['heldout_perplexity']
    a = load_file(os.path.join(work, 'hymba-desk-instruct', 'model.safetensors'))
    b = load_file(os.path.join(args.work, 'hymba-desk-instruct', 'model.safetensors'))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a), 'base-from Instruct differs from the one-command run'
    with open(os.path.join(base_dir, 'config.json')) as f, open(os.path.join(args.work, 'hymba-desk-instruct', 'config.json')) as g:
        assert json.load(f) == json.load(g)
    print('base-from: same base perplexity and bit-identical Instruct weights')


def check_planner(folder):
    """A 'wsd' run with a StepPlanner ends near its time budget, with a frozen total and a decayed rate at the end."""
    model = load_model(folder)
    gen = torch.Generator().manual_seed(0)
    x = torch.randint(3, 200, (2, 24), generator=gen)
    budget = 6.0
    planner = StepPlanner(time.time() + budget, 0.25, every=2)
    start = time.time()
    history = train(model, 0, lambda step: (x, x, None), lr=1e-3, weight_decay=0.0, warmup=1, autocast=False, log=print,
                    label='planner', schedule='wsd', decay_share=0.25, floor=0.05, planner=planner)
    elapsed = time.time() - start
    total = history['planned_steps']
    assert history['steps'] == total and total >= 4 and planner.revisions, history
    assert elapsed < budget * 1.5, elapsed
    assert lr_at(1, total, 1e-3, 1, 'wsd', 0.25, 0.05) == 1e-3 > lr_at(total - 1, total, 1e-3, 1, 'wsd', 0.25, 0.05)
    assert abs(lr_at(total, total, 1e-3, 1, 'wsd', 0.25, 0.05) - 5e-5) < 1e-12
    print(f'planner: {total} steps in {elapsed:.1f}s (budget {budget}s), revisions {planner.revisions}')


def main():
    argv = sys.argv[1:]
    work = tempfile.mkdtemp()
    args = trainer.parse_args(argv + ['--out', tempfile.mkdtemp(), '--work', work, '--base-steps', '6', '--instruct-steps', '6'])
    arch = {'hidden_size': 32, 'num_layers': 5, 'num_heads': 2, 'num_kv_heads': 1, 'intermediate_size': 48, 'num_meta_tokens': 4,
            'sliding_window': 16, 'global_layers': [0, 4], 'kv_reuse_groups': [[1, 2, 3]], 'dt_rank': 4}
    base = dict(trainer.BASE, batch=2, eval_every=3, warmup=2)
    instruct = dict(trainer.INSTRUCT, tokens_per_batch=2048, brown_batch=2, brown_seq=32, warmup=2, max_len=300, brown_every=3)
    def run_tiny(run_args):
        return trainer.run(run_args, arch=arch, seq=64, base=base, instruct=instruct, make_codec=lambda: (ByteCodec(), {name: {} for name in trainer.TOKENIZER_FILES}), limit=1)
    results = run_tiny(args)
    assert results['reference_check']['pass'], results['reference_check']
    assert results['base_history']['best_step'] in (3, 6)
    assert results['instruct_history']['steps'] == 6 and results['instruct_steps'] == 6
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
    check_base_from(argv, results, work, run_tiny)
    check_planner(os.path.join(work, 'hymba-desk-base'))
    print('smoke test passed')


if __name__ == '__main__':
    main()
