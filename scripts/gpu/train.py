"""
Continues the base model's training on a lent GPU machine, with our TypeScript
trainer's sample recipe (electron/core/train/data/patch-sample.ts) ported sample for sample:
scale s ~ U(1, 4), an HR crop of round(48 s) pixels at native resolution (the most detailed of
`--crop-candidates` random crops, crop-detail.ts), random flips and transpose, LR = Pillow's
bicubic downsample to 48 x 48 in 8 bits (the reference's resize_fn), `--queries` HR pixels drawn
without replacement with their pixel centres and cell 2 / HR size, L1 on normalised values,
Adam (torch defaults, as optim/adam.ts) and an exponential moving average of the weights.

What differs from the CPU runs, on purpose: batch and learning rate (a GPU makes bigger batches
cheap), a schedule over wall-clock time (warm-up for the fresh Adam moments, then cosine decay to
--final-lr by --seconds), and the data: lossless JPEG crops of the training photos
(prepare_data.py), because the lent machine takes 64 MiB of files.

Writes to --out, every --save-every seconds and at the end (a run killed at its time limit still
leaves the last snapshot): ema.safetensors, raw.safetensors, adam_m.safetensors,
adam_v.safetensors (our parameter names) and log.json. merge_checkpoint.py turns them into our
training checkpoint.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
from PIL import Image

BICUBIC = getattr(Image, 'Resampling', Image).BICUBIC

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import degrade  # noqa: E402
from liif_torch import load_weights, model_for, read_safetensors, state_numpy, write_safetensors  # noqa: E402


def crop_detail(img, y0, x0, side):
    """crop-detail.ts: mean |neighbour difference| of the green channel on a <= ~48x48 grid."""
    if side < 2:
        return 0.0
    step = max(1, side // 48)
    g = img[y0:y0 + side, x0:x0 + side, 1].astype(np.int16)
    v = g[:-1:step, :-1:step]
    right = g[:-1:step, 1::step]
    down = g[1::step, :-1:step]
    return float((np.abs(v - right).sum() + np.abs(v - down).sum()) / (2 * v.size))


class Samples(torch.utils.data.IterableDataset):
    def __init__(self, images, seed, lr_size=48, queries=2304, candidates=4, scale=(1.0, 4.0), recipe=None):
        self.images, self.seed, self.lr_size, self.queries = images, seed, lr_size, queries
        self.candidates, self.scale, self.recipe = candidates, scale, recipe

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = np.random.default_rng([self.seed, info.id if info else 0])
        while True:
            for i in rng.permutation(len(self.images)):
                yield self.sample(self.images[i], rng)

    def sample(self, img, rng):
        h, w, _ = img.shape
        n = self.lr_size
        fit = min(h, w) / n
        hi = min(self.scale[1], fit)
        lo = min(self.scale[0], hi)
        side = min(min(h, w), max(n, round(n * (lo + rng.random() * (hi - lo)))))
        y, x = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
        flips = rng.random(3) < 0.5
        if self.candidates > 1:
            best = crop_detail(img, y, x, side)
            for _ in range(1, self.candidates):
                cy, cx = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
                d = crop_detail(img, cy, cx, side)
                if d > best:
                    best, y, x = d, cy, cx
        patch = img[y:y + side, x:x + side]
        if flips[0]:
            patch = patch[:, ::-1]
        if flips[1]:
            patch = patch[::-1]
        if flips[2]:
            patch = patch.transpose(1, 0, 2)
        patch = np.ascontiguousarray(patch)
        chain = degrade.draw(self.recipe, rng) if self.recipe else None
        source = degrade.gaussian_blur(patch, chain[0]) if chain else patch
        lr = np.asarray(Image.fromarray(source).resize((n, n), BICUBIC))
        if chain:
            lr = degrade.degrade_lr(lr, chain, rng)
        picks = rng.choice(side * side, self.queries, replace=False)
        py, px = picks // side, picks % side
        centres = (-1 + (2 * np.arange(side) + 1) / side).astype(np.float32)
        coord = np.stack([centres[py], centres[px]], -1)
        cell = np.full((self.queries, 2), 2 / side, np.float32)
        gt = patch.reshape(-1, 3)[picks].astype(np.float32) / 255
        return torch.from_numpy(lr.copy()), torch.from_numpy(coord), torch.from_numpy(cell), torch.from_numpy(gt)


def load_images(folder, min_side):
    images = []
    for name in sorted(os.listdir(folder)):
        if name.lower().endswith(('.jpg', '.jpeg', '.png')):
            img = np.asarray(Image.open(os.path.join(folder, name)).convert('RGB'))
            if min(img.shape[:2]) >= min_side:
                images.append(img)
    return images


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--start', required=True, help='safetensors with the starting weights (our names)')
    p.add_argument('--out', required=True)
    p.add_argument('--seconds', type=float, default=420)
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--queries', type=int, default=2304)
    p.add_argument('--lr', type=float, default=2e-4)
    p.add_argument('--final-lr', type=float, default=1e-6)
    p.add_argument('--warmup-steps', type=int, default=300)
    p.add_argument('--ema', type=float, default=0.999)
    p.add_argument('--crop-candidates', type=int, default=4)
    p.add_argument('--workers', type=int, default=max(1, (os.cpu_count() or 2) - 2))
    p.add_argument('--save-every', type=float, default=90)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--degrade', choices=['off', 'photo'], default='off',
                   help="photo: degrade each LR like a real photo (degrade.py, as liif train --degrade photo)")
    p.add_argument('--clean-share', type=float, default=degrade.DEFAULT_RECIPE['cleanShare'])
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    began = time.time()
    torch.manual_seed(args.seed)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
    dev = torch.device(args.device)
    device_name = torch.cuda.get_device_name(dev) if dev.type == 'cuda' else 'cpu'

    images = load_images(args.data, 48)
    pixels = sum(i.shape[0] * i.shape[1] for i in images)
    print(f'{len(images)} images, {pixels / 1e6:.1f} MP, decoded in {time.time() - began:.1f} s', flush=True)
    loader = torch.utils.data.DataLoader(
        Samples(images, args.seed, queries=args.queries, candidates=args.crop_candidates,
                recipe={**degrade.DEFAULT_RECIPE, 'cleanShare': args.clean_share} if args.degrade == 'photo' else None),
        batch_size=args.batch, num_workers=args.workers, pin_memory=dev.type == 'cuda', prefetch_factor=8,
        persistent_workers=True, multiprocessing_context='fork')
    batches = iter(loader)  # fork the workers before CUDA starts in this process

    start, start_meta = read_safetensors(args.start)
    model = model_for(start).to(dev)
    load_weights(model, start)
    params = [q for q in model.parameters()]
    names = [n for n, _ in model.named_parameters()]
    detached = [q.detach() for q in params]  # share storage: they follow every update
    ema = [q.clone() for q in detached]
    opt = torch.optim.Adam(params, lr=args.lr, **({'fused': True} if dev.type == 'cuda' else {}))
    print(f'device {device_name}, torch {torch.__version__}, '
          f'batch {args.batch} x {args.queries} queries, lr {args.lr} -> {args.final_lr}, {args.seconds:.0f} s', flush=True)

    def learning_rate(step, frac):
        cosine = args.final_lr + (args.lr - args.final_lr) * 0.5 * (1 + math.cos(math.pi * min(1.0, frac)))
        return cosine * min(1.0, (step + 1) / args.warmup_steps)

    log = {'args': vars(args), 'torch': torch.__version__,
           'device': device_name, 'images': len(images), 'megapixels': pixels / 1e6,
           'start_meta': start_meta, 'loss': [], 'steps': 0, 'samples': 0, 'train_seconds': 0.0}

    def save(final):
        state = {n: q for n, q in zip(names, ema)}
        write_safetensors(os.path.join(args.out, 'ema.safetensors'), state_numpy(state))
        write_safetensors(os.path.join(args.out, 'raw.safetensors'), state_numpy(model))
        for key, file in (('exp_avg', 'adam_m'), ('exp_avg_sq', 'adam_v')):
            moments = {n: opt.state[q][key] for n, q in zip(names, params) if q in opt.state}
            write_safetensors(os.path.join(args.out, file + '.safetensors'), state_numpy(moments))
        log['final'] = final
        with open(os.path.join(args.out, 'log.json.tmp'), 'w') as f:
            json.dump(log, f)
        os.replace(os.path.join(args.out, 'log.json.tmp'), os.path.join(args.out, 'log.json'))

    step, window, last_save = 0, [], time.time()
    t0 = time.time()
    for lr_img, coord, cell, gt in batches:
        elapsed = time.time() - t0
        if elapsed >= args.seconds:
            break
        for group in opt.param_groups:
            group['lr'] = learning_rate(step, elapsed / args.seconds)
        lr_img = lr_img.to(dev, non_blocking=True).permute(0, 3, 1, 2).float() / 255
        coord, cell, gt = (t.to(dev, non_blocking=True) for t in (coord, cell, gt))
        pred = model(lr_img, coord, cell)
        loss = (pred - (gt - 0.5) / 0.5).abs().mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            torch._foreach_mul_(ema, args.ema)
            torch._foreach_add_(ema, detached, alpha=1 - args.ema)
        window.append(loss.detach())
        step += 1
        if step % 200 == 0:
            mean = torch.stack(window).mean().item()
            window = []
            log['loss'].append([step, mean])
            print(f'step {step} loss {mean:.4f} lr {opt.param_groups[0]["lr"]:.2e} '
                  f'{step / (time.time() - t0):.1f} steps/s', flush=True)
            if not math.isfinite(mean):
                raise SystemExit(f'diverged at step {step}')
        log['steps'], log['samples'], log['train_seconds'] = step, step * args.batch, time.time() - t0
        if time.time() - last_save > args.save_every:
            save(False)
            last_save = time.time()
    save(True)
    print(f'done: {step} steps, {step * args.batch} samples in {time.time() - t0:.0f} s '
          f'({step / (time.time() - t0):.1f} steps/s); total {time.time() - began:.0f} s', flush=True)
    os._exit(0)  # skip the persistent workers' slow teardown


if __name__ == '__main__':
    main()
