"""
The photo degradations of electron/core/image/degrade.ts for the GPU trainer (train.py
--degrade photo): per sample, from the sample's own generator and with every draw always made in
the same order, a share left clean, else Gaussian blur of the HR crop before downsampling, then on
the LR Gaussian or Poisson noise (per colour or luminance), then a real JPEG with 4:2:0 chroma
(libjpeg through Pillow), sometimes twice. The target stays the clean HR crop. Same recipe and
defaults as the TypeScript sampler; not the same random numbers (numpy's generator, not ours).
"""
import io

import numpy as np
from PIL import Image

DEFAULT_RECIPE = {
    'cleanShare': 0.25, 'blurProb': 0.3, 'blurSigma': (0.2, 1.5), 'noiseProb': 0.5, 'noiseLevel': (1, 10),
    'grayNoiseShare': 0.4, 'poissonShare': 0.3, 'jpegProb': 1.0, 'jpegQuality': (30, 95), 'secondJpegProb': 0.2,
}


def draw(recipe, rng):
    """One chain: (blur sigma, noise or None, [JPEG qualities]); None for a clean sample."""
    within = lambda r: r[0] + rng.random() * (r[1] - r[0])  # noqa: E731
    clean = rng.random() < recipe['cleanShare']
    blur = rng.random() < recipe['blurProb']
    sigma = within(recipe['blurSigma'])
    noisy = rng.random() < recipe['noiseProb']
    level = within(recipe['noiseLevel'])
    gray = rng.random() < recipe['grayNoiseShare']
    poisson = rng.random() < recipe['poissonShare']
    jpeg = rng.random() < recipe['jpegProb']
    q1 = round(within(recipe['jpegQuality']))
    second = rng.random() < recipe['secondJpegProb']
    q2 = round(within(recipe['jpegQuality']))
    if clean:
        return None
    return (sigma if blur else 0.0,
            {'poisson': poisson, 'level': level, 'gray': gray} if noisy else None,
            ([q1, q2] if second else [q1]) if jpeg else [])


def gaussian_blur(img, sigma):
    """Separable Gaussian, radius ceil(3 sigma), symmetric borders, on uint8 HWC; returns uint8."""
    if sigma <= 0:
        return img
    r = max(1, int(np.ceil(3 * sigma)))
    k = np.exp(-np.arange(-r, r + 1) ** 2 / (2 * sigma * sigma))
    k /= k.sum()
    x = np.pad(img.astype(np.float32), ((r, r), (r, r), (0, 0)), mode='symmetric')
    h, w = img.shape[:2]
    x = sum(k[i] * x[:, i:i + w] for i in range(2 * r + 1))  # rows still padded: [h + 2r, w]
    x = sum(k[i] * x[i:i + h] for i in range(2 * r + 1))  # [h, w]
    return np.clip(np.round(x), 0, 255).astype(np.uint8)


def degrade_lr(lr, chain, rng):
    """Noise then JPEG passes on an 8-bit LR (HWC uint8); returns uint8."""
    _, noise, qualities = chain
    out = lr
    if noise:
        v = lr.astype(np.float32) / 255
        z = rng.standard_normal(v.shape[:2] + (1,) if noise['gray'] else v.shape).astype(np.float32)
        sigma = noise['level'] / 255
        spread = sigma * np.sqrt(np.maximum(v, 0) / 0.5) if noise['poisson'] else sigma
        out = np.clip(np.round(np.clip(v + spread * z, 0, 1) * 255), 0, 255).astype(np.uint8)
    for q in qualities:
        buf = io.BytesIO()
        Image.fromarray(out).save(buf, 'JPEG', quality=int(q), subsampling=2)  # 2: 4:2:0
        out = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert('RGB'))
    return out
