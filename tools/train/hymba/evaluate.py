"""Quality measurements written into the model cards."""
import math
import re

import numpy as np
import torch
import torch.nn.functional as F

from .bpe import EOS_ID


@torch.no_grad()
def perplexity(model, stream, seq, batch, device):
    """Token-level perplexity of `stream` (non-overlapping <s>-prefixed windows), float32."""
    model.eval()
    total, count = 0.0, 0
    for x, y, mask in stream.eval_batches(batch, seq, device):
        logits = model(x)
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction='none')
        total += nll[mask.reshape(-1)].double().sum().item()
        count += int(mask.sum().item())
    return math.exp(total / count), count


def unigram_perplexity(train_tokens, eval_tokens, vocab_size):
    """Perplexity of an add-one smoothed unigram model fitted on the training tokens, on the same eval tokens."""
    counts = np.bincount(train_tokens, minlength=vocab_size).astype(np.float64) + 1.0
    logp = np.log(counts / counts.sum())
    return math.exp(-logp[eval_tokens].mean())


@torch.no_grad()
def greedy(model, prompts, max_new, device):
    """Greedy continuation of each prompt (token id lists), no cache; stops at </s>. Returns new-token lists."""
    model.eval()
    results = [None] * len(prompts)
    by_length = {}
    for i, p in enumerate(prompts):
        by_length.setdefault(len(p), []).append(i)
    for indices in by_length.values():
        for start in range(0, len(indices), 128):
            group = indices[start:start + 128]
            x = torch.tensor([prompts[i] for i in group], device=device)
            done = torch.zeros(len(group), dtype=torch.bool, device=device)
            new = []
            for _ in range(max_new):
                hidden = model.hidden_states(x)[:, -1:]
                token = model.logits(hidden)[:, -1].argmax(-1)
                token = torch.where(done, torch.full_like(token, EOS_ID), token)
                new.append(token)
                done |= token == EOS_ID
                x = torch.cat([x, token[:, None]], dim=1)
                if bool(done.all()):
                    break
            generated = torch.stack(new, dim=1).tolist()
            for row, i in zip(generated, group):
                results[i] = row[:row.index(EOS_ID)] if EOS_ID in row else row
    return results


def gloss_coverage(answer, content_words):
    """Share of the gloss's content words found (as whole words, case-insensitive) in the answer."""
    found = set(re.findall(r'[a-z]+', answer.lower()))
    hits = [w for w in content_words if w in found]
    return len(hits) / len(content_words) if content_words else 0.0


def gloss_report(model, codec, entries, device, max_new=80):
    """Definition-question evaluation over eval entries (prompt, contentWords). Returns summary and per-word rows."""
    prompts = [[1] + codec.encode_batch([e['prompt']])[0][0] for e in entries]
    outputs = greedy(model, prompts, max_new, device)
    rows = []
    for e, out in zip(entries, outputs):
        answer = codec.decode(out)
        rows.append({'word': e['word'], 'definition': e['definition'], 'answer': answer, 'coverage': gloss_coverage(answer, e['contentWords'])})
    cov = [r['coverage'] for r in rows]
    return {
        'words': len(rows),
        'mean_coverage': float(np.mean(cov)),
        'rate_half_or_more': float(np.mean([c >= 0.5 for c in cov])),
        'rate_all': float(np.mean([c == 1.0 for c in cov])),
    }, rows
