#!/usr/bin/env python3
"""Trains the embedded Hymba Base and Instruct models in one seeded run (see README.md in this folder).

    python3 tools/train/train.py --data .carry/data --fixtures .carry/fixtures --out OUT_DIR \
        --seed 1234 --base-steps N --instruct-steps M

Stages: reference check against hymba-ref-a -> BPE tokenizer -> Base on Brown (best held-out checkpoint) ->
Instruct fine-tuned from Base on the WordNet conversations mixed with Brown -> evaluation -> Hugging Face folders.
With --base-steps/--instruct-steps 0 the step counts are derived from --base-seconds/--instruct-seconds by timing a
few steps first (the run log and results.json record the counts, so the run can be repeated with them).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_reference import check  # noqa: E402
from hymba.bpe import BOS_ID, TextCodec, tokenizer_files, train_tokenizer_json  # noqa: E402
from hymba.config import embedded_config, shape_from_config  # noqa: E402
from hymba.data import BrownStream, ConversationBatches, conversation_examples, load_prepared  # noqa: E402
from hymba.evaluate import gloss_report, greedy, perplexity, unigram_perplexity  # noqa: E402
from hymba.export import export_hf, pack_parts, round_to_bf16  # noqa: E402
from hymba.model import HymbaForCausalLM  # noqa: E402
from hymba.training import init_weights, time_steps, train  # noqa: E402

#: The shipped shape: the Hymba-1.5B structure at a small width and depth.
ARCH = {
    'hidden_size': 256, 'num_layers': 8, 'num_heads': 4, 'num_kv_heads': 2, 'intermediate_size': 768,
    'num_meta_tokens': 32, 'sliding_window': 256, 'global_layers': [0, 4, 7], 'kv_reuse_groups': [[1, 2, 3], [5, 6]],
    'dt_rank': 16,
}
VOCAB = 8000
SEQ = 512
BASE = {'batch': 32, 'lr': 2e-3, 'weight_decay': 0.1, 'warmup': 100, 'dropout': 0.1, 'eval_every': 150}
INSTRUCT = {'tokens_per_batch': 16384, 'lr': 1.5e-3, 'weight_decay': 0.05, 'warmup': 30, 'dropout': 0.0, 'brown_every': 6,
            'brown_batch': 64, 'brown_seq': 256, 'max_len': 384}
GENERATION_CONFIG = {'_from_model_config': True, 'bos_token_id': 1, 'eos_token_id': 2, 'pad_token_id': 0,
                     'transformers_version': '4.44.0', 'use_cache': False}
EVAL_RESERVE = 60
T0 = time.time()


def log(message):
    print(f'[{time.time() - T0:7.1f}s] {message}', flush=True)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', required=True, help='folder written by tools/train/prepare_data.mjs')
    p.add_argument('--fixtures', required=True, help='folder with hymba-ref-a/ and hymba-1.5b-files/')
    p.add_argument('--out', required=True)
    p.add_argument('--work', default='/tmp/hymba-train')
    p.add_argument('--seed', type=int, default=1234)
    p.add_argument('--base-steps', type=int, default=0)
    p.add_argument('--instruct-steps', type=int, default=0)
    p.add_argument('--base-seconds', type=float, default=170)
    p.add_argument('--instruct-seconds', type=float, default=190)
    p.add_argument('--deadline', type=float, default=0, help='safety stop: seconds after start by which training must end '
                   '(leaving EVAL_RESERVE seconds for evaluation and export); 0 = none')
    return p.parse_args(argv)


def seed_all(seed):
    torch.manual_seed(seed)
    np.random.seed(seed % (2 ** 32))


def write_results(out, results):
    with open(os.path.join(out, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)


def run(args, arch=ARCH, vocab=VOCAB, seq=SEQ, base=BASE, instruct=INSTRUCT, make_codec=None, limit=None):
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    autocast = device == 'cuda'
    os.makedirs(args.out, exist_ok=True)
    results = {'seed': args.seed, 'arch': arch, 'vocab': vocab, 'seq': seq, 'base_hparams': base, 'instruct_hparams': instruct,
               'torch': torch.__version__, 'device': torch.cuda.get_device_name(0) if device == 'cuda' else 'cpu'}
    log(f'device {results["device"]}, torch {torch.__version__}')

    worst, lines = check(os.path.join(args.fixtures, 'hymba-ref-a'), device)
    results['reference_check'] = {'max_abs_diff': worst, 'tolerance': 1e-4, 'pass': worst <= 1e-4, 'lines': lines}
    log(f'reference check vs hymba-ref-a: worst |diff| {worst:.3e} -> {"PASS" if worst <= 1e-4 else "FAIL"}')
    write_results(args.out, results)

    data = load_prepared(args.data)
    if limit:
        data['brown_train'], data['brown_eval'], data['instruct'] = data['brown_train'][:limit], data['brown_eval'][:2], data['instruct'][:limit * 20]
        ev = data['instruct_eval']
        ev['heldOut'], ev['control'], data['samples']['chat'] = ev['heldOut'][:limit], ev['control'][:limit], data['samples']['chat'][:limit]
    files_dir = os.path.join(args.fixtures, 'hymba-1.5b-files')
    if make_codec is None:
        with open(os.path.join(files_dir, 'tokenizer.json')) as f:
            reference_tokenizer = json.load(f)
        texts = [d['text'] for d in data['brown_train']] + [r['text'] for r in data['instruct']]
        tokenizer_json = train_tokenizer_json(texts, vocab, reference_tokenizer)
        codec = TextCodec(tokenizer_json)
        tok_files = tokenizer_files(tokenizer_json, files_dir)
    else:
        codec, tok_files = make_codec()
    probe = 'The harbor was quiet.\n<extra_id_1>Assistant\nHello!'
    probe_ids = codec.encode_batch([probe])[0][0]
    results['tokenizer'] = {'vocab_size_with_pad': codec.vocab_size, 'probe': probe, 'probe_ids': probe_ids,
                            'roundtrip_ok': codec.decode(probe_ids) == probe}
    log(f'tokenizer: {codec.vocab_size} ids, probe -> {len(probe_ids)} tokens, roundtrip {results["tokenizer"]["roundtrip_ok"]}')

    brown_train = BrownStream(codec, data['brown_train'])
    brown_eval = BrownStream(codec, data['brown_eval'])
    examples = conversation_examples(codec, data['instruct'], instruct['max_len'])
    conv = ConversationBatches(examples, instruct['tokens_per_batch'])
    results['data'] = {'brown_train_tokens': int(len(brown_train.tokens)), 'brown_eval_tokens': int(len(brown_eval.tokens)),
                       'conversations': len(examples), 'conversation_tokens': int(sum(len(e[0]) for e in examples)),
                       'conversation_batches': len(conv.batches)}
    log(f'data: {results["data"]}')

    with open(os.path.join(files_dir, 'config.json')) as f:
        real_config = json.load(f)
    config = embedded_config(real_config, vocab_size=codec.vocab_size, **arch)
    shape = shape_from_config(config)
    seed_all(args.seed)
    model = HymbaForCausalLM(shape).to(device)
    init_weights(model)
    results['parameters'] = sum(p.numel() for p in model.parameters())
    log(f'model: {results["parameters"]:,} parameters')

    # ---- Base -------------------------------------------------------------------------------------------------
    def base_batches(rng):
        return lambda step: (*brown_train.random_batch(rng, base['batch'], seq, device), None)

    base_steps = args.base_steps
    if base_steps == 0:
        per_step = time_steps(model, base_batches(np.random.default_rng(0)), 8, lr=base['lr'], autocast=autocast)
        base_steps = max(50, int(args.base_seconds / per_step) // 50 * 50)
        log(f'base: {per_step * 1000:.0f} ms/step -> {base_steps} steps')
    results['base_steps'] = base_steps
    seed_all(args.seed + 1)
    model.dropout = base['dropout']
    base_eval = lambda: float(np.log(perplexity(model, brown_eval, seq, 32, device)[0]))  # noqa: E731
    results['base_history'] = train(model, base_steps, base_batches(np.random.default_rng(args.seed)), lr=base['lr'],
                                    weight_decay=base['weight_decay'], warmup=base['warmup'], autocast=autocast, log=log,
                                    label='base', evaluate=base_eval, eval_every=base['eval_every'],
                                    stop_at=T0 + args.deadline - EVAL_RESERVE - args.instruct_seconds if args.deadline else None)
    model.dropout = 0.0
    round_to_bf16(model)
    ppl, count = perplexity(model, brown_eval, seq, 32, device)
    uni = unigram_perplexity(brown_train.tokens, brown_eval.tokens, codec.vocab_size)
    base_samples = [{'prompt': p, 'output': codec.decode(out)} for p, out in zip(
        data['samples']['base'], greedy(model, [[BOS_ID] + codec.encode_batch([p])[0][0] for p in data['samples']['base']], 40, device))]
    results['base_eval'] = {'heldout_perplexity': ppl, 'unigram_perplexity': uni, 'heldout_tokens': count, 'samples': base_samples}
    log(f'base: held-out Brown perplexity {ppl:.2f} vs unigram {uni:.2f} over {count} tokens')
    for s in base_samples:
        log(f'  base sample: {s["prompt"]!r} -> {s["output"]!r}')
    base_dir = os.path.join(args.work, 'hymba-desk-base')
    results['base_export_bytes'] = export_hf(model, config, tok_files, GENERATION_CONFIG, base_dir)
    results['base_parts'] = pack_parts(base_dir, args.out, 'hymba-desk-base')
    write_results(args.out, results)

    # ---- Instruct ---------------------------------------------------------------------------------------------
    def instruct_batches(rng):
        order = []
        brown_rng = np.random.default_rng(int(rng.integers(1 << 31)))
        def next_batch(step):
            if step % instruct['brown_every'] == instruct['brown_every'] - 1:
                return (*brown_train.random_batch(brown_rng, instruct['brown_batch'], instruct['brown_seq'], device), None)
            if not order:
                order.extend(conv.epoch(rng))
            return conv.tensors(order.pop(), device)
        return next_batch

    instruct_steps = args.instruct_steps
    if instruct_steps == 0:
        per_step = time_steps(model, instruct_batches(np.random.default_rng(1)), 12, lr=instruct['lr'], autocast=autocast)
        instruct_steps = max(50, int(args.instruct_seconds / per_step) // 50 * 50)
        log(f'instruct: {per_step * 1000:.0f} ms/step -> {instruct_steps} steps')
    results['instruct_steps'] = instruct_steps
    seed_all(args.seed + 2)
    results['instruct_history'] = train(model, instruct_steps, instruct_batches(np.random.default_rng(args.seed + 2)), lr=instruct['lr'],
                                        weight_decay=instruct['weight_decay'], warmup=instruct['warmup'], autocast=autocast, log=log,
                                        label='instruct', stop_at=T0 + args.deadline - EVAL_RESERVE if args.deadline else None)
    round_to_bf16(model)
    evalset = data['instruct_eval']
    held_summary, held_rows = gloss_report(model, codec, evalset['heldOut'], device)
    control_summary, control_rows = gloss_report(model, codec, evalset['control'], device)
    chat = data['samples']['chat']
    outputs = greedy(model, [[BOS_ID] + codec.encode_batch([c['prompt']])[0][0] for c in chat], 120, device)
    chat_samples = [{'user': c['messages'][-1]['content'], 'assistant': codec.decode(o)} for c, o in zip(chat, outputs)]
    ippl, _ = perplexity(model, brown_eval, seq, 32, device)
    results['instruct_eval'] = {'question': evalset['question'], 'held_out': held_summary, 'control': control_summary,
                                'heldout_brown_perplexity': ippl, 'samples': chat_samples,
                                'held_out_rows': held_rows, 'control_rows': control_rows}
    log(f'instruct: held-out words {held_summary}; control words {control_summary}; Brown ppl {ippl:.2f}')
    for s in chat_samples:
        log(f'  chat: {s["user"]!r} -> {s["assistant"]!r}')
    instruct_dir = os.path.join(args.work, 'hymba-desk-instruct')
    results['instruct_export_bytes'] = export_hf(model, config, tok_files, GENERATION_CONFIG, instruct_dir)
    results['instruct_parts'] = pack_parts(instruct_dir, args.out, 'hymba-desk-instruct')
    results['total_seconds'] = time.time() - T0
    write_results(args.out, results)
    log(f'done in {results["total_seconds"]:.0f}s; repeat with --seed {args.seed} --base-steps {base_steps} --instruct-steps {instruct_steps}')
    return results


if __name__ == '__main__':
    run(parse_args())
