#!/usr/bin/env python3
"""Small pickles in the public CMU-MOSI layouts, for the converter's tests:

    python3 make_pickles.py DIR

writes into DIR:
  start.pkl      widths 9/4/6, zero padding at the start, labels (N, 1, 1), ids as rows of
                 byte strings (as the Multimodal Transformer's), -inf in the audio, protocol 2
  end.pkl        widths 5/7/3, zero padding at the end, labels (N,), no ids, float64
                 features, one all-zero utterance (dropped), protocol 5
  evil.pkl       asks for os.system when loaded (it would create DIR/pwned)
  label.pkl, widths.pkl, empty.pkl, unaligned.pkl, missing.pkl: one fault each
The features carry the label (text strongly, audio and vision weakly), so models learn.
"""

import os
import pickle
import sys

import numpy as np


def split(rng, n, steps, widths, pad, label_shape, dtype=np.float32, ids=True):
    length = rng.integers(3, steps + 1, size=n)
    y = np.round(rng.uniform(-3, 3, size=n) * 3) / 3
    out = {}
    for name, d, signal in zip(("text", "audio", "vision"), widths, (1.0, 0.3, 0.5)):
        x = np.zeros((n, steps, d), dtype=dtype)
        for i in range(n):
            rows = rng.normal(size=(length[i], d)) + signal * y[i]
            if pad == "start":
                x[i, steps - length[i] :] = rows
            else:
                x[i, : length[i]] = rows
        out[name] = x
    out["labels"] = y.reshape(label_shape(n)).astype(np.float32)
    if ids:
        out["id"] = np.array([[f"video{i // 4}".encode(), f"{i % 4}".encode()] for i in range(n)])
    return out


def dataset(seed, widths, pad, label_shape, **kw):
    rng = np.random.default_rng(seed)
    sizes = {"train": 48, "valid": 12, "test": 20}
    return {s: split(rng, n, 12, widths, pad, label_shape, **kw) for s, n in sizes.items()}


class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def main(out):
    os.makedirs(out, exist_ok=True)

    def save(name, obj, protocol=4):
        with open(os.path.join(out, name), "wb") as f:
            pickle.dump(obj, f, protocol=protocol)

    start = dataset(1, (9, 4, 6), "start", lambda n: (n, 1, 1))
    start["train"]["audio"][0, -1, 2] = -np.inf
    start["test"]["audio"][3, -2, 0] = -np.inf
    save("start.pkl", start, protocol=2)
    end = dataset(2, (5, 7, 3), "end", lambda n: (n,), dtype=np.float64, ids=False)
    for m in ("text", "audio", "vision"):
        end["train"][m][5] = 0.0
    save("end.pkl", end, protocol=5)
    save("evil.pkl", {"train": Evil(os.path.join(out, "pwned")), "valid": {}, "test": {}})
    label = dataset(3, (5, 4, 3), "start", lambda n: (n, 1))
    label["valid"]["labels"][4] = 3.5
    save("label.pkl", label)
    widths = dataset(4, (5, 4, 3), "start", lambda n: (n,))
    widths["test"]["audio"] = widths["test"]["audio"][:, :, :2]
    save("widths.pkl", widths)
    empty = dataset(5, (5, 4, 3), "start", lambda n: (n,))
    empty["valid"] = {k: v[:0] for k, v in empty["valid"].items()}
    save("empty.pkl", empty)
    unaligned = dataset(6, (5, 4, 3), "start", lambda n: (n,))
    unaligned["train"]["audio"] = np.concatenate([unaligned["train"]["audio"]] * 2, axis=1)
    save("unaligned.pkl", unaligned)
    missing = dataset(7, (5, 4, 3), "start", lambda n: (n,))
    del missing["test"]["vision"]
    save("missing.pkl", missing)


if __name__ == "__main__":
    main(sys.argv[1])
