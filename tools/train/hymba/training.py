"""Optimiser, schedule, initialisation and the training loop shared by the Base and Instruct stages."""
import math
import time

import torch
import torch.nn.functional as F

NO_DECAY = ('A_log', 'D.0', 'norm', 'bias', 'memory_tokens')


def init_weights(model):
    """Initialisation (uses torch's global RNG: seed it first). Mamba-style dt bias and dt_proj, A_log = log(1..N),
    D = 1, norms = 1; projections N(0, 0.02) with the residual outputs scaled by 1/sqrt(2·layers)."""
    s = model.shape
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(('out_proj.weight', 'down_proj.weight')):
                p.normal_(0.0, 0.02 / math.sqrt(2 * s.num_layers))
            elif name.endswith(('in_proj.weight', 'x_proj.0.weight', 'gate_proj.weight', 'up_proj.weight', 'embed_tokens.weight', 'memory_tokens')):
                p.normal_(0.0, 0.02)
            elif name.endswith('dt_proj.0.weight'):
                p.uniform_(-s.dt_rank ** -0.5, s.dt_rank ** -0.5)
            elif name.endswith('dt_proj.0.bias'):
                dt = torch.exp(torch.rand_like(p) * (math.log(0.1) - math.log(0.001)) + math.log(0.001)).clamp(min=1e-4)
                p.copy_(dt + torch.log(-torch.expm1(-dt)))
            elif name.endswith('A_log.0'):
                p.copy_(torch.log(torch.arange(1, s.d_state + 1, dtype=torch.float32, device=p.device)).repeat(s.d_inner, 1))
            elif name.endswith('D.0') or name.endswith('norm.weight'):
                p.fill_(1.0)


def make_optimizer(model, lr, weight_decay):
    decay, rest = [], []
    for name, p in model.named_parameters():
        (rest if any(k in name for k in NO_DECAY) else decay).append(p)
    fused = next(model.parameters()).is_cuda
    return torch.optim.AdamW([{'params': decay, 'weight_decay': weight_decay}, {'params': rest, 'weight_decay': 0.0}],
                             lr=lr, betas=(0.9, 0.95), eps=1e-8, **({'fused': True} if fused else {}))


def lr_at(step, total, peak, warmup, schedule='cosine', decay_share=0.25, floor=0.1):
    """Linear warm-up, then either cosine decay to floor·peak over the rest ('cosine'), or warm-up-stable-decay
    ('wsd'): the peak held until the last decay_share of the steps, then a linear decay to floor·peak. Under 'wsd'
    the rate before the decay does not depend on `total`, so the total can still be chosen while training runs."""
    if step < warmup:
        return peak * (step + 1) / warmup
    if schedule == 'wsd':
        decay_start = decay_start_step(total, decay_share)
        if step < decay_start:
            return peak
        progress = (step - decay_start) / max(1, total - decay_start)
        return peak * (1.0 - (1.0 - floor) * min(1.0, progress))
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (floor + (1.0 - floor) / 2 * (1 + math.cos(math.pi * min(1.0, progress))))


def decay_start_step(total, decay_share):
    """First step of the decay phase of the 'wsd' schedule."""
    return int(total * (1.0 - decay_share))


class StepPlanner:
    """Chooses the step count of a 'wsd' run from the measured speed so that training ends at `until` (a time.time()
    value). Every `every` steps it times the last `every` steps and sets total = step + remaining time / that rate
    (times `margin`); it stops revising once the decay phase has begun, so the schedule the steps ran under is the
    one a fixed --steps run with the final total reproduces."""

    def __init__(self, until, decay_share, every=50, margin=0.98):
        self.until, self.decay_share, self.every, self.margin = until, decay_share, every, margin
        self.total = None
        self.mark = None
        self.revisions = []

    def frozen(self, step):
        return self.total is not None and step >= decay_start_step(self.total, self.decay_share)

    def update(self, step):
        """Called before step `step`; returns the total to schedule with (a large stand-in before the first plan)."""
        if step % self.every == 0 and not self.frozen(step):
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            now = time.time()
            if self.mark is not None:
                per_step = (now - self.mark[1]) / (step - self.mark[0])
                self.total = max(step + 1, step + int(self.margin * (self.until - now) / per_step))
                self.revisions.append((step, round(per_step, 4), self.total))
            self.mark = (step, now)
        return self.total if self.total is not None else 1 << 30


def masked_loss(model, x, y, mask, autocast):
    """Mean cross-entropy over target positions. x, y [b, n] token ids; mask [b, n] bool (None = all)."""
    with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=autocast):
        logits = model(x)
    nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction='none')
    if mask is None:
        return nll.mean()
    m = mask.reshape(-1).float()
    return (nll * m).sum() / m.sum().clamp(min=1.0)


def train(model, steps, next_batch, *, lr, weight_decay, warmup, autocast, log, label, evaluate=None, eval_every=0, stop_at=None,
          schedule='cosine', decay_share=0.25, floor=0.1, planner=None):
    """Runs `steps` optimiser steps (with a StepPlanner: as many as the planner decides). next_batch(step) -> (x, y,
    mask). With evaluate (-> lower is better), keeps and finally loads the best weights seen at the evaluation points.
    stop_at (a time.time() value) is a safety stop: reaching it ends training early and is recorded in the history.
    Returns a history dict."""
    opt = make_optimizer(model, lr, weight_decay)
    history = {'loss': [], 'eval': [], 'schedule': schedule}
    best = (math.inf, None, -1)
    start = time.time()
    running = None
    history['stopped_early_at'] = None
    step = 0
    while True:
        total = planner.update(step) if planner is not None else steps
        if step >= total:
            break
        if stop_at is not None and time.time() > stop_at:
            history['stopped_early_at'] = step
            log(f'{label}: time limit reached, stopping after {step} of {total} steps')
            break
        model.train()
        for group in opt.param_groups:
            group['lr'] = lr_at(step, total, lr, warmup, schedule, decay_share, floor)
        x, y, mask = next_batch(step)
        loss = masked_loss(model, x, y, mask, autocast)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        last = step == total - 1
        if step % 25 == 0 or last:
            value = loss.item()
            running = value if running is None else 0.8 * running + 0.2 * value
            history['loss'].append((step, value))
            if step % 100 == 0 or last:
                shown = total if total < 1 << 30 else '?'
                log(f'{label} step {step}/{shown} loss {value:.4f} (avg {running:.4f}) lr {opt.param_groups[0]["lr"]:.2e} {time.time() - start:.0f}s')
        if evaluate is not None and ((step + 1) % eval_every == 0 or step == total - 1):
            score = evaluate()
            history['eval'].append((step + 1, score))
            log(f'{label} eval after {step + 1} steps: {score:.4f}')
            if score < best[0]:
                best = (score, {k: v.detach().clone() for k, v in model.state_dict().items()}, step + 1)
        step += 1
    if best[1] is not None:
        model.load_state_dict(best[1])
        history['best_step'] = best[2]
    history['steps'] = step
    history['planned_steps'] = total
    if planner is not None:
        history['plan_revisions'] = planner.revisions
    history['seconds'] = time.time() - start
    log(f'{label}: {step} steps in {history["seconds"]:.0f}s')
    return history


def time_steps(model, next_batch, count, *, lr, autocast):
    """Seconds per step, measured on a throwaway copy of the model (the real model is not touched)."""
    import copy
    probe = copy.deepcopy(model)
    opt = make_optimizer(probe, lr, 0.0)
    def one(step):
        x, y, mask = next_batch(step)
        loss = masked_loss(probe, x, y, mask, autocast)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    for step in range(3):
        one(step)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    start = time.time()
    for step in range(count):
        one(3 + step)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    del probe, opt
    return (time.time() - start) / count
