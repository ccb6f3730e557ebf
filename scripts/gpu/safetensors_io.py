"""
safetensors by hand (8-byte header length, JSON header with `__metadata__` first, little-endian
float32 data): the format our TypeScript reads and writes (electron/core/model/safetensors.ts), with
numpy alone, so preparing data and merging a run need no PyTorch and no extra package.
"""
import json
import os
import struct

import numpy as np


def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop('__metadata__', {})
    tensors = {}
    for name, t in header.items():
        assert t['dtype'] == 'F32', (name, t['dtype'])
        a, b = t['data_offsets']
        tensors[name] = np.frombuffer(data[a:b], dtype='<f4').reshape(t['shape']).copy()
    return tensors, meta


def write_safetensors(path, tensors, meta=None):
    """Writes atomically: a crash mid-write leaves the previous file."""
    header, chunks, offset = {}, [], 0
    if meta:
        header['__metadata__'] = meta
    for name in sorted(tensors):
        arr = np.ascontiguousarray(tensors[name], dtype='<f4')
        raw = arr.tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(arr.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path + '.tmp', 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)
    os.replace(path + '.tmp', path)
