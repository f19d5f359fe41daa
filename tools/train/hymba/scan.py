"""Mamba-1 selective scan (diagonal A per channel and state), chunked for training speed.

The recurrence (spec §3.5), per batch b, channel d, state n:
    h_t = exp(dt_t * A) * h_{t-1} + dt_t * B_t * x_t          h_0 = 0
    y_t = sum_n C_t[n] * h_t[n]
Time is split into chunks of `chunk` steps: a short sequential loop runs inside every chunk at once (zero initial
state), a second loop carries the state across chunks, and the carried state is added back with the cumulative
decay exp(cumsum(dt * A)). That is T + L/T sequential steps instead of L, all in float32, differentiable by autograd.
"""
import torch


def selective_scan_reference(dt, A, B, C, x):
    """Plain sequential scan, for tests. Shapes: dt, x [b, L, D]; A [D, N]; B, C [b, L, N]. Returns y [b, L, D]."""
    b, L, D = x.shape
    h = x.new_zeros(b, D, A.shape[1])
    ys = []
    for t in range(L):
        h = torch.exp(dt[:, t, :, None] * A) * h + (dt[:, t] * x[:, t])[:, :, None] * B[:, t, None, :]
        ys.append((h * C[:, t, None, :]).sum(-1))
    return torch.stack(ys, dim=1)


def selective_scan(dt, A, B, C, x, chunk=32):
    """Chunked scan, same contract as selective_scan_reference (without the D skip and the z gate)."""
    b, L, D = x.shape
    N = A.shape[1]
    T = min(chunk, L)
    K = (L + T - 1) // T
    pad = K * T - L
    log_decay = dt[..., None] * A                                   # [b, L, D, N]
    drive = (dt * x)[..., None] * B[:, :, None, :]                  # [b, L, D, N]
    Cp = C
    if pad:
        log_decay = torch.nn.functional.pad(log_decay, (0, 0, 0, 0, 0, pad))
        drive = torch.nn.functional.pad(drive, (0, 0, 0, 0, 0, pad))
        Cp = torch.nn.functional.pad(C, (0, 0, 0, pad))
    log_decay = log_decay.view(b, K, T, D, N)
    drive = drive.view(b, K, T, D, N)
    decay = torch.exp(log_decay)
    # Inside every chunk from a zero state. unbind (not indexing) keeps the backward pass to one stack per tensor.
    decay_steps, drive_steps = decay.unbind(2), drive.unbind(2)
    state = drive.new_zeros(b, K, D, N)
    local = []
    for t in range(T):
        state = state * decay_steps[t] + drive_steps[t]
        local.append(state)
    local = torch.stack(local, dim=2)                               # [b, K, T, D, N]
    cum_decay = torch.exp(torch.cumsum(log_decay, dim=2))           # [b, K, T, D, N]
    # Across chunks: the state entering chunk k.
    chunk_decay, chunk_end = cum_decay[:, :, T - 1].unbind(1), local[:, :, T - 1].unbind(1)
    carry = drive.new_zeros(b, D, N)
    entering = []
    for k in range(K):
        entering.append(carry)
        carry = chunk_decay[k] * carry + chunk_end[k]
    entering = torch.stack(entering, dim=1)                         # [b, K, D, N]
    states = local + cum_decay * entering[:, :, None]
    y = torch.einsum('bktdn,bktn->bktd', states, Cp.view(b, K, T, N))
    return y.reshape(b, K * T, D)[:, :L]
