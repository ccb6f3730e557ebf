"""
Packs the training photos for a lent GPU machine, which takes at most 64 MiB of files per call
(../.library/device/README.md): from each training photo (the checkpoint's held-out validation
photos excluded) the most detailed window of a fixed fraction of its area, cut losslessly by
`jpegtran -crop` (the JPEG's own coefficients, no re-encoding) on the 16-pixel block grid, with the
fraction chosen so that all crops together fit --budget-mb. Also writes the checkpoint's weight
average as start.safetensors, and each crop's window (pixels: top, left, height, width) in
windows.json.

    python3 scripts/gpu/prepare_data.py --photos ../shared/data/train/photos \
        --checkpoint models/liif-edsr-baseline-training/checkpoint.safetensors --out .gpu --budget-mb 50

--avoid F leaves out the most detailed window of fraction F of each photo, i.e. what an earlier
run with that fraction trained on (its windows.json records it; the runs of 2026-11-30 used
0.20050901, printed as 0.201), and picks the most
detailed window that does not overlap it (the least overlapping one where the photo is too small).
The base model partly memorised the windows it saw ~170 times (models/README.md), so the next run
should see other parts of the photos.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402

BLOCK = 16


def detail_blocks(path):
    """Mean |neighbour difference| of the green channel per 16x16 block (crop-detail.ts's measure)."""
    g = np.asarray(Image.open(path).convert('RGB'))[:, :, 1].astype(np.int16)
    d = np.zeros(g.shape, np.float32)
    d[:, :-1] += np.abs(np.diff(g, axis=1))
    d[:-1, :] += np.abs(np.diff(g, axis=0))
    bh, bw = g.shape[0] // BLOCK, g.shape[1] // BLOCK
    return d[: bh * BLOCK, : bw * BLOCK].reshape(bh, BLOCK, bw, BLOCK).mean((1, 3))


def best_window(blocks, fraction, avoid=None):
    """
    The most detailed window of `fraction` of the area, in the photo's aspect ratio. With `avoid`,
    the most detailed one clear of that fraction's best window; full-height and full-width strips
    are tried too, since a same-shaped window rarely fits beside it (the least overlapping one
    where none is clear).
    """
    bh, bw = blocks.shape
    shapes = [(max(1, round(bh * fraction ** 0.5)), max(1, round(bw * fraction ** 0.5)))]
    if avoid:
        y0, x0, h0, w0 = (v // BLOCK for v in best_window(blocks, avoid))
        blocks = blocks.copy()
        # Every avoided block costs more than any window's whole detail, so the window with the
        # fewest avoided blocks wins, and among the clear ones the most detailed.
        blocks[y0:y0 + h0, x0:x0 + w0] = -(blocks.sum() + 1)
        shapes += [(bh, max(1, round(bw * fraction))), (max(1, round(bh * fraction)), bw)]
    integral = np.pad(blocks, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    best = None
    for wh, ww in shapes:
        sums = integral[wh:, ww:] - integral[:-wh, ww:] - integral[wh:, :-ww] + integral[:-wh, :-ww]
        y, x = np.unravel_index(np.argmax(sums), sums.shape)
        # Per block, so the shapes' slightly different areas compare fairly.
        score = sums[y, x] / (wh * ww)
        if best is None or score > best[0]:
            best = (score, (y * BLOCK, x * BLOCK, wh * BLOCK, ww * BLOCK))
    return best[1]


def overlap(a, b):
    """Overlapping area of two (top, left, height, width) windows."""
    h = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    w = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0, h) * max(0, w)


def cut(src, dst, window):
    y, x, h, w = window
    subprocess.run(['jpegtran', '-copy', 'none', '-optimize', '-crop', f'{w}x{h}+{x}+{y}', '-outfile', dst, src],
                   check=True)
    return os.path.getsize(dst)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--photos', required=True)
    p.add_argument('--checkpoint', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--budget-mb', type=float, default=50)
    p.add_argument('--avoid', type=float, default=0, help='leave out the best window of this fraction (an earlier run)')
    args = p.parse_args()
    tensors, meta = read_safetensors(args.checkpoint)
    info = json.loads(meta['info'])
    held = {os.path.basename(f) for f in info['config']['validationFiles']}
    names = sorted(n for n in os.listdir(args.photos) if n.lower().endswith('.jpg') and n not in held)
    print(f'{len(names)} training photos ({len(held)} held out)', flush=True)
    blocks = {n: detail_blocks(os.path.join(args.photos, n)) for n in names}
    data = os.path.join(args.out, 'data')
    os.makedirs(data, exist_ok=True)
    budget = args.budget_mb * 1e6
    fraction = 0.3
    for _ in range(4):
        used = fraction
        windows = {n: best_window(blocks[n], used, args.avoid) for n in names}
        total = sum(cut(os.path.join(args.photos, n), os.path.join(data, n), windows[n]) for n in names)
        print(f'fraction {fraction:.3f}: {total / 1e6:.1f} MB', flush=True)
        if 0.94 * budget <= total <= budget:
            break
        fraction = min(1.0, fraction * 0.97 * budget / total)
    if total > budget:
        raise SystemExit('could not fit the budget')
    with open(os.path.join(args.out, 'windows.json'), 'w') as f:
        json.dump({'fraction': used, 'avoid': args.avoid,
                   'windows': {n: [int(v) for v in w] for n, w in windows.items()}}, f, indent=1)
    if args.avoid:
        clear = sum(overlap(windows[n], best_window(blocks[n], args.avoid)) == 0 for n in names)
        print(f'{clear} of {len(names)} windows clear of the avoided ones', flush=True)
    start = {k[4:]: v for k, v in tensors.items() if k.startswith('ema/')}
    write_safetensors(os.path.join(args.out, 'start.safetensors'), start,
                      {'step': str(info['step']), 'source': 'ema of ' + os.path.basename(args.checkpoint)})
    pixels = sum(np.prod(Image.open(os.path.join(data, n)).size) for n in names)
    print(f'{len(names)} crops, {pixels / 1e6:.1f} MP, {total / 1e6:.1f} MB; start = ema at step {info["step"]}')


if __name__ == '__main__':
    main()
