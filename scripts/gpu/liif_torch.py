"""
LIIF with the EDSR-baseline encoder in PyTorch, parameter for parameter the model our TypeScript
trainer builds (electron/core/model/architecture.ts) and with the reference conventions of
../shared/LIIF.md, so that weights move between the two without renaming. Both decoders: the exact
MLP (Liif) and LMF's latent-modulated one (LmfLiif; He and Jin, CVPR 2024), as our graphs compute
them (tests/unit/core/reference/liif-reference.ts is the plain-loop statement of both).

For a short training run on a lent GPU machine: the product's trainer stays the
TypeScript one; this file exists because that machine has PyTorch and no Node.

One deliberate difference in *how* (not what) it computes: the first MLP layer's 576 feature
inputs are applied once per LR code as a 1x1 projection of the unfolded map and gathered per
query (LIIF.md "Cost"), the same sum in another order. Nearest-code lookup is floor-based, equal
to grid_sample(mode='nearest', align_corners=False) away from exact ties, which the 1e-6 shift
makes measure-zero.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from safetensors_io import read_safetensors, write_safetensors  # noqa: F401 (re-exported)


class ResBlock(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(n, n, 3, padding=1), nn.ReLU(True), nn.Conv2d(n, n, 3, padding=1))

    def forward(self, x):
        return self.body(x) + x


class EdsrBaseline(nn.Module):
    def __init__(self, features=64, blocks=16):
        super().__init__()
        self.head = nn.Sequential(nn.Conv2d(3, features, 3, padding=1))
        self.body = nn.Sequential(*[ResBlock(features) for _ in range(blocks)],
                                  nn.Conv2d(features, features, 3, padding=1))

    def forward(self, x):
        x = self.head(x)
        return self.body(x) + x


class Mlp(nn.Module):
    def __init__(self, inp=580, hidden=256, hidden_layers=4, out=3):
        super().__init__()
        layers, last = [], inp
        for _ in range(hidden_layers):
            layers += [nn.Linear(last, hidden), nn.ReLU()]
            last = hidden
        layers.append(nn.Linear(last, out))
        self.layers = nn.Sequential(*layers)


class Liif(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = EdsrBaseline()
        self.imnet = Mlp()

    def forward(self, lr, coord, cell):
        """lr [B,3,h,w] in [0,1]; coord, cell [B,Q,2] (y, x); returns the normalised prediction [B,Q,3]."""
        feat = self.encoder((lr - 0.5) / 0.5)
        return self.query(feat, coord, cell)

    def query(self, feat, coord, cell):
        b, c, h, w = feat.shape
        first = self.imnet.layers[0]
        w_feat, w_rel, w_cell = first.weight[:, : c * 9], first.weight[:, c * 9: c * 9 + 2], first.weight[:, c * 9 + 2:]
        unfolded = F.unfold(feat, 3, padding=1)  # [B, C*9, h*w], channel-major like the reference
        proj = torch.einsum('oc,bcn->bno', w_feat, unfolded) + first.bias  # [B, h*w, 256]
        rel_cell = cell * torch.tensor([h, w], dtype=cell.dtype, device=cell.device)
        cell_term = rel_cell @ w_cell.t()
        size = torch.tensor([h, w], dtype=coord.dtype, device=coord.device)
        preds, areas = [], []
        for vy in (-1, 1):  # the reference's outer loop shifts coord[..., 0], the row
            for vx in (-1, 1):
                shifted = coord.clone()
                shifted[..., 0] += vy / h + 1e-6
                shifted[..., 1] += vx / w + 1e-6
                shifted = shifted.clamp(-1 + 1e-6, 1 - 1e-6)
                idx = torch.floor((shifted + 1) / 2 * size).long()
                iy = idx[..., 0].clamp(0, h - 1)
                ix = idx[..., 1].clamp(0, w - 1)
                centre = torch.stack([-1 + (2 * iy.to(coord.dtype) + 1) / h, -1 + (2 * ix.to(coord.dtype) + 1) / w], -1)
                rel = (coord - centre) * size
                flat = (iy * w + ix).unsqueeze(-1).expand(-1, -1, proj.shape[-1])
                hidden = torch.gather(proj, 1, flat) + rel @ w_rel.t() + cell_term
                preds.append(self.imnet.layers[2:](F.relu(hidden)))
                areas.append((rel[..., 0] * rel[..., 1]).abs() + 1e-9)
        total = areas[0] + areas[1] + areas[2] + areas[3]
        swapped = [areas[3], areas[2], areas[1], areas[0]]
        return sum(p * (a / total).unsqueeze(-1) for p, a in zip(preds, swapped))


def ensemble(feat, coord, member):
    """LIIF's local ensemble: `member(flat index, rel, rel_cell-free)` per nearest code, area-weighted."""
    b, c, h, w = feat.shape
    size = torch.tensor([h, w], dtype=coord.dtype, device=coord.device)
    preds, areas = [], []
    for vy in (-1, 1):  # the reference's outer loop shifts coord[..., 0], the row
        for vx in (-1, 1):
            shifted = coord.clone()
            shifted[..., 0] += vy / h + 1e-6
            shifted[..., 1] += vx / w + 1e-6
            shifted = shifted.clamp(-1 + 1e-6, 1 - 1e-6)
            idx = torch.floor((shifted + 1) / 2 * size).long()
            iy = idx[..., 0].clamp(0, h - 1)
            ix = idx[..., 1].clamp(0, w - 1)
            centre = torch.stack([-1 + (2 * iy.to(coord.dtype) + 1) / h, -1 + (2 * ix.to(coord.dtype) + 1) / w], -1)
            rel = (coord - centre) * size
            preds.append(member(iy * w + ix, rel))
            areas.append((rel[..., 0] * rel[..., 1]).abs() + 1e-9)
    total = areas[0] + areas[1] + areas[2] + areas[3]
    swapped = [areas[3], areas[2], areas[1], areas[0]]
    return sum(p * (a / total).unsqueeze(-1) for p, a in zip(preds, swapped))


def gather_rows(table, flat):
    """table [B, N, C], flat [B, Q] -> [B, Q, C]."""
    return torch.gather(table, 1, flat.unsqueeze(-1).expand(-1, -1, table.shape[-1]))


class LmfLiif(nn.Module):
    """
    LMF-LIIF: a latent MLP ("hypernet", 9C -> latent_hidden -> 2 L H + H) runs once per LR code on
    the 3x3-unfolded feature and gives [scales (L x H) | shifts (L x H) | latent (H)]; the render MLP
    ("imnet", H + 4 -> H x L -> 3) reads [latent, rel, rel_cell] per query, and after hidden layer
    l computes x (1 + scale_l) + shift_l before its ReLU. Parameter names as ours:
    hypernet.layers.{0,2}, imnet.layers.{0,2,...,2L}.
    """

    def __init__(self, features=64, blocks=16, hidden=16, hidden_layers=6, latent_hidden=208):
        super().__init__()
        self.hidden, self.hidden_layers = hidden, hidden_layers
        self.encoder = EdsrBaseline(features, blocks)
        self.hypernet = Mlp(features * 9, latent_hidden, 1, 2 * hidden * hidden_layers + hidden)
        self.imnet = Mlp(hidden + 4, hidden, hidden_layers, 3)

    def forward(self, lr, coord, cell):
        feat = self.encoder((lr - 0.5) / 0.5)
        return self.query(feat, coord, cell)

    def codes(self, feat):
        """Per-code modulations [B, h*w, 2 L H + H]: the part that runs once per LR code."""
        unfolded = F.unfold(feat, 3, padding=1).transpose(1, 2)  # [B, h*w, C*9], channel-major
        return self.hypernet.layers(unfolded)

    def query(self, feat, coord, cell, codes=None):
        _, _, h, w = feat.shape
        mods = self.codes(feat) if codes is None else codes
        rel_cell = cell * torch.tensor([h, w], dtype=cell.dtype, device=cell.device)
        hl, hd = self.hidden_layers, self.hidden

        def member(flat, rel):
            mod = gather_rows(mods, flat)
            x = torch.cat([mod[..., 2 * hl * hd:], rel, rel_cell], -1)
            for layer in range(hl):
                x = self.imnet.layers[2 * layer](x)
                scale = mod[..., layer * hd:(layer + 1) * hd]
                shift = mod[..., (hl + layer) * hd:(hl + layer + 1) * hd]
                x = F.relu(x * (scale + 1) + shift)
            return self.imnet.layers[2 * hl](x)

        return ensemble(feat, coord, member)


def model_for(tensors):
    """The module whose parameters these tensors (our names) are: LMF when the latent MLP is there."""
    if 'hypernet.layers.0.weight' not in tensors:
        return Liif()
    latent_hidden, _ = tensors['hypernet.layers.0.weight'].shape
    hidden = tensors['imnet.layers.0.weight'].shape[0]
    hidden_layers = sum(1 for k in tensors if k.startswith('imnet.layers.') and k.endswith('.weight')) - 1
    return LmfLiif(hidden=hidden, hidden_layers=hidden_layers, latent_hidden=latent_hidden)


def load_weights(model, tensors, prefix=''):
    state = model.state_dict()
    for name in state:
        state[name].copy_(torch.from_numpy(tensors[prefix + name]))


def state_numpy(model_or_dict, prefix=''):
    items = model_or_dict.items() if isinstance(model_or_dict, dict) else model_or_dict.state_dict().items()
    return {prefix + k: v.detach().float().cpu().numpy() for k, v in items}
