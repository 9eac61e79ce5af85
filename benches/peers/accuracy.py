"""How exact the engine's exp, tanh and sigmoid are, beside numpy's and PyTorch's.

    python3 benches/peers/accuracy.py          # from the repository root

Each function is run on every 37th float of its range (about 60 million values each,
most of them tiny: floats crowd near 0. For exp, from subnormal results to overflow;
for tanh, from tiny values through saturation; for sigmoid, from -87, where its result
is still a normal float, through saturation) by the engine (`benches/examples/elementwise_values.rs`), numpy
and PyTorch, in float32, and compared with the same function in float64. The error
is counted in units in the last place (ulp): the spacing of float32s at the exact
value. Writes benches/results/accuracy.json and accuracy.md (the table the
performance page includes). The engine's values are the same bits on every
instruction set (autograd/tests/simd.rs), so one table holds for every host; numpy's
and PyTorch's may differ between hosts, so the table names its CPU.
"""
import datetime
import importlib.metadata
import json
import pathlib
import subprocess
import sys
import tempfile

import numpy as np

from common import cpu_model, isa

ROOT = pathlib.Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benches" / "results"

# name, range, exact value in float64
FUNCTIONS = [
    ("exp", (-103.0, 88.72), np.exp),
    ("tanh", (-20.0, 20.0), np.tanh),
    ("sigmoid", (-87.0, 20.0), lambda x: 1.0 / (1.0 + np.exp(-x))),
]
STEP = 37


def grid(lo, hi):
    """Every STEP-th float32 from lo (< 0) to hi (> 0), in order of their bits."""
    neg = np.arange(0x8000_0000 + STEP, np.float32(lo).view(np.uint32) + 1, STEP, dtype=np.uint64)
    pos = np.arange(0, np.float32(hi).view(np.uint32) + 1, STEP, dtype=np.uint64)
    return np.concatenate([neg.astype(np.uint32).view(np.float32)[::-1], pos.astype(np.uint32).view(np.float32)])


def ulps(values, exact):
    nearest = np.abs(exact.astype(np.float32))
    return np.abs(values.astype(np.float64) - exact) / np.spacing(nearest).astype(np.float64)


def ours(x, name):
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "x.f32"
        path.write_bytes(x.astype("<f4").tobytes())
        subprocess.run(
            ["cargo", "run", "--release", "--quiet", "-p", "benches", "--example", "elementwise_values", "--", str(path), name],
            cwd=ROOT, check=True,
        )
        return np.frombuffer(pathlib.Path(f"{path}.{name}").read_bytes(), dtype="<f4")


def main():
    import torch

    torch.set_num_threads(1)
    rows = []
    for name, (lo, hi), exact_fn in FUNCTIONS:
        x = grid(lo, hi)
        exact = exact_fn(x.astype(np.float64))
        t = torch.from_numpy(x)
        sides = {
            "ours": ours(x, name),
            "numpy": {"exp": np.exp, "tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v))}[name](x),
            "torch": {"exp": torch.exp, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[name](t).numpy(),
        }
        row = {"function": name, "range": [lo, hi], "values": int(x.size)}
        for side, values in sides.items():
            errors = ulps(values, exact)
            worst = int(np.argmax(errors))
            row[side] = {"max_ulp": round(float(errors[worst]), 3), "at": float(x[worst]),
                         "mean_ulp": round(float(errors.mean()), 4)}
        rows.append(row)
        print(name, {side: row[side]["max_ulp"] for side in sides}, file=sys.stderr)
    meta = {
        "date": datetime.date.today().isoformat(),
        "command": "python3 benches/peers/accuracy.py",
        "cpu": cpu_model(),
        "isa": isa(),
        "versions": {p: importlib.metadata.version(p) for p in ["numpy", "torch"]},
        "note": "numpy's sigmoid is 1 / (1 + np.exp(-x)) in float32 (numpy has no sigmoid).",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    write(RESULTS / "accuracy.json", json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    render()


def write(path, text):
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def render():
    saved = json.loads((RESULTS / "accuracy.json").read_text())
    meta, rows = saved["meta"], saved["rows"]
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    out = [
        "<!-- Written by benches/peers/accuracy.py from benches/results/accuracy.json; do not edit. -->",
        f"Measured {meta['date']} with `{meta['command']}` ({meta['cpu']}; {versions}). Every 37th float32 of "
        "each range, against float64. *{}*".format(meta["note"]),
        "",
        "| function | range | values | ours: largest (mean) error, ulp | numpy | PyTorch |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        cells = [f"{r[s]['max_ulp']:.2f} ({r[s]['mean_ulp']:.3f})" for s in ["ours", "numpy", "torch"]]
        out.append(f"| {r['function']} | {r['range'][0]:g} to {r['range'][1]:g} | {r['values']:,} | " + " | ".join(cells) + " |")
    write(RESULTS / "accuracy.md", "\n".join(out) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--render"]:
        render()
    else:
        main()
