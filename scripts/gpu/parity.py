"""
Checks that liif_torch.py computes what our ONNX pipeline computes: upscales an image with the
given weights and compares it with a PNG written by `liif upscale` from the same weights.

    node bin/liif.js upscale in.png --model models/liif-edsr-baseline --width W --height H -o /tmp/p
    python3 scripts/gpu/parity.py in.png /tmp/p/<output>.png models/liif-edsr-baseline/weights.safetensors

Either decoder: weights with LMF's latent MLP (models/liif-edsr-lmf) are run as LmfLiif.
"""
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from liif_torch import load_weights, model_for, read_safetensors  # noqa: E402


def upscale(model, lr, out_h, out_w):
    centres = lambda n: -1 + (2 * torch.arange(n, dtype=torch.float32) + 1) / n  # noqa: E731
    yy, xx = torch.meshgrid(centres(out_h), centres(out_w), indexing='ij')
    coord = torch.stack([yy, xx], -1).reshape(1, -1, 2)
    cell = torch.tensor([2 / out_h, 2 / out_w]).expand_as(coord)
    with torch.no_grad():
        feat = model.encoder((lr - 0.5) / 0.5)
        parts = [model.query(feat, coord[:, i:i + 65536], cell[:, i:i + 65536]) for i in range(0, coord.shape[1], 65536)]
    pred = torch.cat(parts, 1)
    return (pred * 0.5 + 0.5).clamp(0, 1).reshape(out_h, out_w, 3).numpy()


def main():
    source, ours, weights = sys.argv[1:4]
    tensors = read_safetensors(weights)[0]
    model = model_for(tensors)
    load_weights(model, tensors)
    lr = torch.from_numpy(np.asarray(Image.open(source).convert('RGB'))).permute(2, 0, 1)[None].float() / 255
    reference = np.asarray(Image.open(ours).convert('RGB')).astype(np.float64)
    mine = upscale(model, lr, reference.shape[0], reference.shape[1]) * 255
    diff = np.abs(np.round(mine) - reference)
    print(f'{reference.shape[1]}x{reference.shape[0]}: max |diff| {diff.max():.0f} levels, '
          f'mean {diff.mean():.4f}, differing pixels {(diff > 0).mean() * 100:.3f}%')
    sys.exit(0 if diff.max() <= 1 else 1)


if __name__ == '__main__':
    main()
