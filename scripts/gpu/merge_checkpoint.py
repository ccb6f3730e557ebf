"""
Turns a GPU run's output (train.py: raw, ema, adam_m, adam_v safetensors and log.json) into our
TypeScript trainer's checkpoint (electron/core/train/optim/checkpoint.ts), continuing the one the
run started from: the step, the weight average's update count, the wall clock and the loss history
carry on, and info.gpuRuns records what the run was (device, batch, samples, seconds), so
`liif train --resume` and `checkpoint-tools.ts export` take it like any other checkpoint.

    python3 scripts/gpu/merge_checkpoint.py <run dir> models/liif-edsr-baseline-training/checkpoint.safetensors
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402


def main():
    run, checkpoint = sys.argv[1:3]
    old, meta = read_safetensors(checkpoint)
    info = json.loads(meta['info'])
    log = json.load(open(os.path.join(run, 'log.json')))
    parts = {prefix: read_safetensors(os.path.join(run, f + '.safetensors'))[0]
             for prefix, f in (('', 'raw'), ('ema/', 'ema'), ('adam.m/', 'adam_m'), ('adam.v/', 'adam_v'))}
    tensors = {}
    for prefix, part in parts.items():
        for name, value in part.items():
            if name not in old:
                raise SystemExit(f'{name} is not a parameter of {checkpoint}')
            if tuple(old[name].shape) != tuple(value.shape):
                raise SystemExit(f'{name}: shape {value.shape} != {old[name].shape}')
            tensors[prefix + name] = value
    missing = [n for n in old if n not in tensors and not n.startswith('best/')]
    if missing:
        raise SystemExit(f'the run lacks {missing[:3]}...')
    base = info['step']
    steps = log['steps']
    info['step'] = base + steps
    info['averageUpdates'] = info.get('averageUpdates', base) + steps
    # The checkpoint's wall clock is the whole training's; gpuRuns says how much of it ran where.
    info['wallClockSeconds'] += log['train_seconds']
    info['history']['loss'] += [{'step': base + s, 'loss': l} for s, l in log['loss']]
    args = log['args']
    info.setdefault('gpuRuns', []).append({
        'fromStep': base, 'steps': steps, 'samples': log['samples'], 'seconds': round(log['train_seconds'], 1),
        'device': log.get('device', ''), 'torch': log['torch'], 'batch': args['batch'], 'queries': args['queries'],
        'lr': args['lr'], 'finalLr': args['final_lr'], 'schedule': 'warm-up then cosine over wall-clock time',
        'ema': args['ema'], 'cropCandidates': args['crop_candidates'], 'degrade': args.get('degrade', 'off'),
        'data': f"{log['images']} lossless crops, {log['megapixels']:.1f} MP (scripts/gpu/prepare_data.py)",
    })
    write_safetensors(checkpoint, tensors, {'format': meta['format'], 'info': json.dumps(info)})
    print(f'{checkpoint}: step {base} -> {info["step"]} ({log["samples"]} samples on {log.get("device", "?")})')


if __name__ == '__main__':
    main()
