"""Minimal safetensors reader/writer (the format: u64 header length, JSON header, raw little-endian data).

Own implementation so the same code runs where the `safetensors` package is missing (the CPU check machine).
"""
import json
import struct

import numpy as np
import torch

_TO_TORCH = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16, 'I64': torch.int64, 'I32': torch.int32}
_FROM_TORCH = {v: k for k, v in _TO_TORCH.items()}
_NUMPY_CARRIER = {'F32': np.float32, 'F16': np.float16, 'BF16': np.int16, 'I64': np.int64, 'I32': np.int32}


def load_file(path):
    """Reads every tensor of a .safetensors file into CPU torch tensors."""
    with open(path, 'rb') as f:
        raw = f.read()
    (header_len,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + header_len])
    base = 8 + header_len
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        start, end = info['data_offsets']
        array = np.frombuffer(raw, dtype=_NUMPY_CARRIER[info['dtype']], count=(end - start) // np.dtype(_NUMPY_CARRIER[info['dtype']]).itemsize, offset=base + start)
        tensor = torch.from_numpy(array.copy()).reshape(info['shape'])
        if info['dtype'] == 'BF16':
            tensor = tensor.view(torch.bfloat16)
        out[name] = tensor
    return out


def save_file(tensors, path, metadata=None):
    """Writes tensors (name -> torch tensor) in sorted name order, 8-byte aligned header like the reference writer."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        dtype = _FROM_TORCH[t.dtype]
        data = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header['__metadata__'] = metadata
    encoded = json.dumps(header, separators=(',', ':')).encode()
    encoded += b' ' * ((8 - len(encoded) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(encoded)))
        f.write(encoded)
        for data in blobs:
            f.write(data)
