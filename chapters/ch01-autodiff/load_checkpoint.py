"""Load the MLP that `cargo run --release -p ch01-autodiff -- --save DIR` wrote, outside
Rust, and check that it scores exactly the test accuracy it scored when it was saved.

    python3 chapters/ch01-autodiff/load_checkpoint.py DIR/mlp.safetensors [--data data]

Needs numpy and safetensors (pip install numpy safetensors). The forward pass is
numpy's; if PyTorch is installed, the same file is also loaded into
torch.nn.Sequential(Linear, ReLU, Linear) with load_state_dict(strict=True) and
evaluated there. Exits non-zero if any accuracy differs from the saved one.
"""
import argparse
import csv
import pathlib
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file


def test_split(data):
    """The test images (pixels scaled to [0, 1]) and labels of the shared split."""
    with open(data / "digits.csv") as f:
        rows = list(csv.reader(f))[1:]
    pixels = np.array([[int(v) for v in r[1:65]] for r in rows], dtype=np.float32) / 16.0
    labels = np.array([int(r[65]) for r in rows])
    with open(data / "pairs.csv") as f:
        pairs = list(csv.DictReader(f))
    test = [int(p["image_id"]) for p in pairs if p["split"] == "test"]
    return pixels[test], labels[test]


def numpy_forward(state, x):
    """nn.Sequential(Linear, ReLU, Linear, ...): layer i is module 2i, weights (out, in)."""
    layers = sorted({int(name.split(".")[0]) for name in state})
    h = x
    for k, i in enumerate(layers):
        h = h @ state[f"{i}.weight"].T + state[f"{i}.bias"]
        if k + 1 < len(layers):
            h = np.maximum(h, 0.0)
    return h


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint", type=pathlib.Path)
    parser.add_argument("--data", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parents[2] / "data")
    args = parser.parse_args()
    with safe_open(str(args.checkpoint), "np") as f:
        meta = f.metadata()
    state = load_file(str(args.checkpoint))
    saved = float(meta["test_accuracy"])
    x, y = test_split(args.data)
    results = {"numpy": float(np.mean(numpy_forward(state, x).argmax(axis=1) == y))}
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        widths = [int(w) for w in meta["widths"].strip("[]").split(",")]
        modules = []
        for i in range(len(widths) - 1):
            modules.append(torch.nn.Linear(widths[i], widths[i + 1]))
            if i + 2 < len(widths):
                modules.append(torch.nn.ReLU())
        model = torch.nn.Sequential(*modules)
        model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
        with torch.no_grad():
            logits = model(torch.from_numpy(x))
        results["torch"] = float((logits.argmax(dim=1).numpy() == y).mean())
    print(f"{meta['architecture']}, saved with test accuracy {saved!r}")
    for name, accuracy in results.items():
        print(f"  {name}: test accuracy {accuracy!r} on {len(y)} test images")
    if any(a != saved for a in results.values()):
        print("a reloaded model does not reproduce the saved test accuracy", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
