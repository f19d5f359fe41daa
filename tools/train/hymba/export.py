"""Hugging Face folder export in the official layout (config.json, model.safetensors, tokenizer and generation files)."""
import json
import os
import tarfile

import torch

from .safetensors_io import save_file


def round_to_bf16(model):
    """Rounds every parameter to bfloat16 in place (kept as float32): the weights then equal the shipped ones."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(torch.bfloat16).float())


def export_hf(model, config, tokenizer_files, generation_config, folder):
    """Writes the HF folder; weights in bfloat16 like the real checkpoints, lm_head omitted (tied)."""
    os.makedirs(folder, exist_ok=True)
    state = {name: t.detach().to(torch.bfloat16).cpu() for name, t in model.state_dict().items()}
    save_file(state, os.path.join(folder, 'model.safetensors'), metadata={'format': 'pt'})
    files = {'config.json': config, 'generation_config.json': generation_config, **tokenizer_files}
    for name, content in files.items():
        with open(os.path.join(folder, name), 'w', encoding='utf-8') as f:
            json.dump(content, f, indent=2, ensure_ascii=False)
            f.write('\n')
    return sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder))


def pack_parts(folder, out_dir, stem, part_bytes=15 * 1024 * 1024):
    """Tars `folder` and splits the tar into parts of at most part_bytes (<stem>.tar.part-00, -01, ...)."""
    tar_path = os.path.join(out_dir, f'{stem}.tar')
    with tarfile.open(tar_path, 'w') as tar:
        tar.add(folder, arcname=os.path.basename(folder))
    parts = []
    with open(tar_path, 'rb') as f:
        index = 0
        while True:
            chunk = f.read(part_bytes)
            if not chunk:
                break
            part = f'{tar_path}.part-{index:02d}'
            with open(part, 'wb') as p:
                p.write(chunk)
            parts.append(os.path.basename(part))
            index += 1
    os.remove(tar_path)
    return parts
