"""Training batches from the prepared data (tools/train/prepare_data.mjs): Brown windows and Instruct conversations."""
import gzip
import json
import os

import numpy as np
import torch

from .bpe import BOS_ID, EOS_ID


def read_jsonl_gz(path):
    with gzip.open(path, 'rt', encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def read_json_gz(path):
    with gzip.open(path, 'rt', encoding='utf-8') as f:
        return json.load(f)


class BrownStream:
    """All documents of one split as one token stream, each document followed by </s>."""

    def __init__(self, codec, docs):
        encoded = codec.encode_batch([d['text'] for d in docs])
        self.tokens = np.concatenate([np.array(ids + [EOS_ID], dtype=np.int64) for ids, _ in encoded])

    def random_batch(self, rng, batch, seq, device):
        """[batch, seq] inputs and targets: <s> + a random window of seq tokens, predicting the window."""
        starts = rng.integers(0, len(self.tokens) - seq, size=batch)
        windows = np.stack([self.tokens[s:s + seq] for s in starts])
        return self._pair(windows, device)

    def eval_batches(self, batch, seq, device):
        """Non-overlapping windows covering the stream once (the last one shorter); every token predicted once."""
        starts = list(range(0, len(self.tokens), seq))
        for i in range(0, len(starts), batch):
            chunk = [self.tokens[s:s + seq] for s in starts[i:i + batch]]
            width = max(len(c) for c in chunk)
            windows = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=bool)
            for j, c in enumerate(chunk):
                windows[j, :len(c)] = c
                mask[j, :len(c)] = True
            x, y = self._pair(windows, device)
            yield x, y, torch.from_numpy(mask).to(device)

    @staticmethod
    def _pair(windows, device):
        inputs = np.concatenate([np.full((len(windows), 1), BOS_ID), windows[:, :-1]], axis=1)
        return torch.from_numpy(inputs).to(device), torch.from_numpy(windows).to(device)


def conversation_examples(codec, rows, max_len):
    """Each rendered conversation -> (ids, target_mask, kind): <s> text </s>; targets are assistant tokens and the final
    </s>."""
    examples = []
    for row, (ids, offsets) in zip(rows, codec.encode_batch([r['text'] for r in rows])):
        spans = row['spans']
        targets = [any(s <= start < e for s, e in spans) for start, _ in offsets]
        full = [BOS_ID] + ids + [EOS_ID]
        is_target = [False] + targets + [True]
        if len(full) > max_len + 1:
            continue
        examples.append((np.array(full, dtype=np.int64), np.array(is_target, dtype=bool), row['kind']))
    return examples


class ConversationBatches:
    """Length-bucketed batches of whole conversations (right-padded, padding never a target). `repeats` maps a
    conversation kind to how often it appears per epoch (default once): the extra copies are bucketed separately,
    so a copy never shares a batch with its original."""

    def __init__(self, examples, tokens_per_batch, max_batch=512, repeats=None):
        self.examples = examples
        self.tokens_per_batch, self.max_batch = tokens_per_batch, max_batch
        self.batches = self._bucket(range(len(examples)))
        for kind, count in (repeats or {}).items():
            chosen = [i for i, e in enumerate(examples) if e[2] == kind]
            for _ in range(count - 1):
                self.batches += self._bucket(chosen)

    def _bucket(self, indices):
        order = sorted(indices, key=lambda i: len(self.examples[i][0]))
        batches, current = [], []
        for i in order:
            width = len(self.examples[i][0]) - 1
            if current and (len(current) + 1) * width > self.tokens_per_batch or len(current) >= self.max_batch:
                batches.append(current)
                current = []
            current.append(i)
        if current:
            batches.append(current)
        return batches

    def tensors(self, batch, device):
        items = [self.examples[i] for i in batch]
        width = max(len(e[0]) for e in items) - 1
        x = np.zeros((len(items), width), dtype=np.int64)
        y = np.zeros((len(items), width), dtype=np.int64)
        m = np.zeros((len(items), width), dtype=bool)
        for j, (ids, target, _) in enumerate(items):
            n = len(ids) - 1
            x[j, :n], y[j, :n], m[j, :n] = ids[:-1], ids[1:], target[1:]
        return torch.from_numpy(x).to(device), torch.from_numpy(y).to(device), torch.from_numpy(m).to(device)

    def epoch(self, rng):
        return [self.batches[i] for i in rng.permutation(len(self.batches))]


def load_prepared(data_dir):
    """The files written by prepare_data.mjs."""
    with open(os.path.join(data_dir, 'chat-samples.json')) as f:
        samples = json.load(f)
    with open(os.path.join(data_dir, 'manifest.json')) as f:
        manifest = json.load(f)
    return {
        'brown_train': read_jsonl_gz(os.path.join(data_dir, 'brown-train.jsonl.gz')),
        'brown_eval': read_jsonl_gz(os.path.join(data_dir, 'brown-eval.jsonl.gz')),
        'instruct': read_jsonl_gz(os.path.join(data_dir, 'instruct-train.jsonl.gz')),
        'instruct_eval': read_json_gz(os.path.join(data_dir, 'instruct-eval.json.gz')),
        'samples': samples,
        'manifest': manifest,
    }
