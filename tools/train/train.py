#!/usr/bin/env python3
"""Trains the embedded Hymba Base and Instruct models in one seeded run (see README.md in this folder).

    python3 tools/train/train.py --data .carry/data --fixtures .carry/fixtures --out OUT_DIR \
        --seed 1234 --base-steps N --instruct-steps M
    python3 tools/train/train.py --data .carry/data --base-from .carry/hf/hymba-desk-base --out OUT_DIR \
        --seed 1234 --instruct-steps M

Stages: reference check against hymba-ref-a -> BPE tokenizer -> Base on Brown (best held-out checkpoint) ->
Instruct fine-tuned from Base on the WordNet conversations mixed with Brown -> evaluation -> Hugging Face folders.
With --base-from the first three stages are replaced by loading an exported Base folder (weights, tokenizer,
config); the Instruct stage then runs exactly as it does after a Base stage with the same seed.
With --base-steps 0 the Base step count is derived from --base-seconds by timing a few steps first; with
--instruct-steps 0 the Instruct step count is chosen while training (StepPlanner) to fill --instruct-seconds (capped
by --deadline). The run log and results.json record the counts, so the run can be repeated with them.
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_reference import check, load_model  # noqa: E402
from hymba.bpe import BOS_ID, TextCodec, tokenizer_files, train_tokenizer_json  # noqa: E402
from hymba.config import embedded_config, shape_from_config  # noqa: E402
from hymba.data import BrownStream, ConversationBatches, conversation_examples, load_prepared  # noqa: E402
from hymba.evaluate import gloss_report, greedy, perplexity, unigram_perplexity  # noqa: E402
from hymba.export import export_hf, pack_parts, round_to_bf16  # noqa: E402
from hymba.model import HymbaForCausalLM  # noqa: E402
from hymba.training import StepPlanner, init_weights, time_steps, train  # noqa: E402

#: The shipped shape: the Hymba-1.5B structure at a small width and depth.
ARCH = {
    'hidden_size': 256, 'num_layers': 8, 'num_heads': 4, 'num_kv_heads': 2, 'intermediate_size': 768,
    'num_meta_tokens': 32, 'sliding_window': 256, 'global_layers': [0, 4, 7], 'kv_reuse_groups': [[1, 2, 3], [5, 6]],
    'dt_rank': 16,
}
VOCAB = 8000
SEQ = 512
BASE = {'batch': 32, 'lr': 2e-3, 'weight_decay': 0.1, 'warmup': 100, 'dropout': 0.1, 'eval_every': 150}
#: Instruct: loss on assistant tokens only; warm-up-stable-decay schedule (the step count can be fitted to the time
#: budget while training); the single-turn definition conversations appear twice per epoch; a Brown batch every
#: brown_every-th step keeps the language model.
INSTRUCT = {'tokens_per_batch': 16384, 'lr': 1.5e-3, 'weight_decay': 0.02, 'warmup': 30, 'dropout': 0.0, 'brown_every': 8,
            'brown_batch': 64, 'brown_seq': 256, 'max_len': 384, 'schedule': 'wsd', 'decay_share': 0.25, 'floor': 0.05,
            'repeats': {'definition': 2}}
GENERATION_CONFIG = {'_from_model_config': True, 'bos_token_id': 1, 'eos_token_id': 2, 'pad_token_id': 0,
                     'transformers_version': '4.44.0', 'use_cache': False}
#: Seconds kept free after training for evaluation and export when --deadline is given.
EVAL_RESERVE = 90
#: Tokenizer files of an HF folder, copied unchanged from the --base-from folder into the Instruct folder.
TOKENIZER_FILES = ('tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'added_tokens.json')
T0 = time.time()


def log(message):
    print(f'[{time.time() - T0:7.1f}s] {message}', flush=True)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', required=True, help='folder written by tools/train/prepare_data.mjs')
    p.add_argument('--fixtures', help='folder with hymba-ref-a/ and hymba-1.5b-files/ (required without --base-from)')
    p.add_argument('--base-from', help='exported Base HF folder to fine-tune instead of training tokenizer and Base')
    p.add_argument('--out', required=True)
    p.add_argument('--work', default='/tmp/hymba-train')
    p.add_argument('--seed', type=int, default=1234)
    p.add_argument('--base-steps', type=int, default=0)
    p.add_argument('--instruct-steps', type=int, default=0)
    p.add_argument('--base-seconds', type=float, default=170)
    p.add_argument('--instruct-seconds', type=float, default=190, help='Instruct time budget when --instruct-steps is 0')
    p.add_argument('--deadline', type=float, default=0, help='safety stop: seconds after start by which training must end '
                   '(leaving EVAL_RESERVE seconds for evaluation and export); 0 = none')
    args = p.parse_args(argv)
    if not args.base_from and not args.fixtures:
        p.error('--fixtures is required unless --base-from is given')
    return args


def seed_all(seed):
    torch.manual_seed(seed)
    np.random.seed(seed % (2 ** 32))


def write_results(out, results):
    with open(os.path.join(out, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)


def limit_data(data, limit):
    """Smoke-test subset of the prepared data."""
    data['brown_train'], data['brown_eval'], data['instruct'] = data['brown_train'][:limit], data['brown_eval'][:2], data['instruct'][:limit * 20]
    ev = data['instruct_eval']
    ev['heldOut'], ev['control'], data['samples']['chat'] = ev['heldOut'][:limit], ev['control'][:limit], data['samples']['chat'][:limit]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def new_tokenizer(args, data, vocab, make_codec):
    """Trains the BPE tokenizer on Brown and the conversations -> (codec, tokenizer files)."""
    if make_codec is not None:
        return make_codec()
    files_dir = os.path.join(args.fixtures, 'hymba-1.5b-files')
    with open(os.path.join(files_dir, 'tokenizer.json')) as f:
        reference_tokenizer = json.load(f)
    texts = [d['text'] for d in data['brown_train']] + [r['text'] for r in data['instruct']]
    tokenizer_json = train_tokenizer_json(texts, vocab, reference_tokenizer)
    return TextCodec(tokenizer_json), tokenizer_files(tokenizer_json, files_dir)


def folder_tokenizer(folder, make_codec):
    """The tokenizer of an exported HF folder -> (codec, tokenizer files, copied unchanged)."""
    files = {}
    for name in TOKENIZER_FILES:
        with open(os.path.join(folder, name), encoding='utf-8') as f:
            files[name] = json.load(f)
    codec = make_codec()[0] if make_codec is not None else TextCodec(files['tokenizer.json'])
    return codec, files


def run(args, arch=ARCH, vocab=VOCAB, seq=SEQ, base=BASE, instruct=INSTRUCT, make_codec=None, limit=None):
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    autocast = device == 'cuda'
    os.makedirs(args.out, exist_ok=True)
    results = {'seed': args.seed, 'arch': arch, 'vocab': vocab, 'seq': seq, 'base_hparams': base, 'instruct_hparams': instruct,
               'torch': torch.__version__, 'device': torch.cuda.get_device_name(0) if device == 'cuda' else 'cpu',
               'command': sys.argv}
    log(f'device {results["device"]}, torch {torch.__version__}')

    if args.fixtures:
        worst, lines = check(os.path.join(args.fixtures, 'hymba-ref-a'), device)
        results['reference_check'] = {'max_abs_diff': worst, 'tolerance': 1e-4, 'pass': worst <= 1e-4, 'lines': lines}
        log(f'reference check vs hymba-ref-a: worst |diff| {worst:.3e} -> {"PASS" if worst <= 1e-4 else "FAIL"}')
    else:
        log('reference check skipped (no --fixtures)')
    write_results(args.out, results)

    data = load_prepared(args.data)
    if limit:
        limit_data(data, limit)
    if args.base_from:
        codec, tok_files = folder_tokenizer(args.base_from, make_codec)
    else:
        codec, tok_files = new_tokenizer(args, data, vocab, make_codec)
    probe = 'The harbor was quiet.\n<extra_id_1>Assistant\nHello!'
    probe_ids = codec.encode_batch([probe])[0][0]
    results['tokenizer'] = {'vocab_size_with_pad': codec.vocab_size, 'probe': probe, 'probe_ids': probe_ids,
                            'roundtrip_ok': codec.decode(probe_ids) == probe}
    log(f'tokenizer: {codec.vocab_size} ids, probe -> {len(probe_ids)} tokens, roundtrip {results["tokenizer"]["roundtrip_ok"]}')

    brown_train = BrownStream(codec, data['brown_train'])
    brown_eval = BrownStream(codec, data['brown_eval'])
    examples = conversation_examples(codec, data['instruct'], instruct['max_len'])
    conv = ConversationBatches(examples, instruct['tokens_per_batch'], repeats=instruct.get('repeats'))
    results['data'] = {'brown_train_tokens': int(len(brown_train.tokens)), 'brown_eval_tokens': int(len(brown_eval.tokens)),
                       'conversations': len(examples), 'conversation_tokens': int(sum(len(e[0]) for e in examples)),
                       'conversation_batches': len(conv.batches)}
    log(f'data: {results["data"]}')

    if args.base_from:
        with open(os.path.join(args.base_from, 'config.json')) as f:
            config = json.load(f)
        model = load_model(args.base_from, device)
        results['base_from'] = {'folder': args.base_from, 'model_safetensors_sha256': sha256_of(os.path.join(args.base_from, 'model.safetensors'))}
        results['parameters'] = sum(p.numel() for p in model.parameters())
        ppl, count = perplexity(model, brown_eval, seq, 32, device)
        results['base_eval'] = {'heldout_perplexity': ppl, 'heldout_tokens': count}
        log(f'base loaded from {args.base_from}: {results["parameters"]:,} parameters, held-out Brown perplexity {ppl:.2f}')
        base_steps = 0
    else:
        with open(os.path.join(args.fixtures, 'hymba-1.5b-files', 'config.json')) as f:
            real_config = json.load(f)
        config = embedded_config(real_config, vocab_size=codec.vocab_size, **arch)
        seed_all(args.seed)
        model = HymbaForCausalLM(shape_from_config(config)).to(device)
        init_weights(model)
        results['parameters'] = sum(p.numel() for p in model.parameters())
        log(f'model: {results["parameters"]:,} parameters')
        base_steps = train_base(args, results, model, codec, config, tok_files, data, brown_train, brown_eval, seq, base, device, autocast)
    write_results(args.out, results)

    instruct_steps = train_instruct(args, results, model, conv, brown_train, instruct, autocast, device)
    evaluate_instruct(results, model, codec, data, brown_eval, seq, device)
    instruct_dir = os.path.join(args.work, 'hymba-desk-instruct')
    results['instruct_export_bytes'] = export_hf(model, config, tok_files, GENERATION_CONFIG, instruct_dir)
    results['instruct_parts'] = pack_parts(instruct_dir, args.out, 'hymba-desk-instruct')
    results['total_seconds'] = time.time() - T0
    write_results(args.out, results)
    again = f'--base-from {args.base_from}' if args.base_from else f'--base-steps {base_steps}'
    log(f'done in {results["total_seconds"]:.0f}s; repeat with --seed {args.seed} {again} --instruct-steps {instruct_steps}')
    return results


def train_base(args, results, model, codec, config, tok_files, data, brown_train, brown_eval, seq, base, device, autocast):
    """Base stage on Brown windows (best held-out checkpoint), evaluation and export. Returns the step count."""
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
    return base_steps


def train_instruct(args, results, model, conv, brown_train, instruct, autocast, device):
    """Instruct stage: conversation batches (loss on assistant tokens) with a Brown batch every brown_every-th step.
    Returns the number of steps run."""
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

    schedule = instruct.get('schedule', 'cosine')
    stop_at = T0 + args.deadline - EVAL_RESERVE if args.deadline else None
    planner = None
    if args.instruct_steps == 0:
        if schedule != 'wsd':
            raise ValueError('--instruct-steps 0 needs the wsd schedule')
        until = time.time() + args.instruct_seconds
        planner = StepPlanner(min(until, stop_at) if stop_at else until, instruct['decay_share'], every=instruct.get('plan_every', 50))
        log(f'instruct: step count chosen while training, to end within {planner.until - time.time():.0f}s')
    seed_all(args.seed + 2)
    history = train(model, args.instruct_steps, instruct_batches(np.random.default_rng(args.seed + 2)), lr=instruct['lr'],
                    weight_decay=instruct['weight_decay'], warmup=instruct['warmup'], autocast=autocast, log=log,
                    label='instruct', stop_at=stop_at, schedule=schedule, decay_share=instruct.get('decay_share', 0.25),
                    floor=instruct.get('floor', 0.1), planner=planner)
    results['instruct_history'] = history
    results['instruct_steps'] = history['planned_steps']
    if planner is not None:
        log(f'instruct: plan revisions (step, s/step, total) {planner.revisions}')
    round_to_bf16(model)
    return history['planned_steps']


def evaluate_instruct(results, model, codec, data, brown_eval, seq, device):
    """Definition questions on held-out and control words, the chat samples, and Brown perplexity."""
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


if __name__ == '__main__':
    run(parse_args())
