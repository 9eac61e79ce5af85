"""Measure the engine and its peers side by side, interleaved, and print ratios.

The machine is shared and noisy, so each side runs in several alternating rounds and
the best (smallest) median of each side is kept. Usage, from the repository root:

    python benches/peers/compare.py [--rounds 3] [--skip-torch] [--skip-jax] ...

Needs: numpy, scipy, threadpoolctl, torch, jax (pip), and cargo (which also builds
the candle peer in benches/peers/candle on first use). numpy runs with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they select a slower kernel here).
Writes the raw numbers, with the date, the machine and the library versions, to
benches/results/peers.json, and the tables the book's performance page includes to
benches/results/peers.md. `--render` rewrites peers.md from peers.json without
measuring anything (to change the layout, not the numbers).
"""
import argparse
import datetime
import importlib.metadata
import json
import os
import pathlib
import subprocess
import sys

from common import cpu_model, isa

ROOT = pathlib.Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benches" / "results"
PEERS = ROOT / "benches" / "peers"
CRITERION = ROOT / "target" / "criterion"

# (our criterion id, what it is)
WORKLOADS = [
    ("matmul/1024", "sgemm 1024^2"),
    ("matmul/256", "sgemm 256^2"),
    ("mlp_784_256_256_10_step_b128", "MLP 784-256-256-10 SGD step, batch 128"),
    ("tiny_add_backward", "1-element add + backward"),
    ("conv2d_64x3x32x32_16x3x3/forward", "conv2d 64x3x32x32 -> 16, 3x3 pad 1, forward"),
    ("conv2d_64x3x32x32_16x3x3/forward_backward", "conv2d, forward + backward"),
    ("spmm_100k_1m_64/forward", "CSR (100k nodes, 1M edges) x dense 64"),
    ("spmm_100k_1m_64/forward_backward", "CSR x dense, forward + backward"),
    ("elementwise_1m/add", "add, 1M elements"),
    ("elementwise_1m/exp", "exp, 1M elements"),
    ("elementwise_1m/tanh", "tanh, 1M elements"),
    ("lstm_lm_b64_t20_h128/lstm_train_step", "LSTM step: T 20, batch 64, 32 -> 128, 50 words, Adam"),
    ("lstm_lm_b64_t20_h128/rnn_train_step", "vanilla RNN step, same sizes"),
]

# The project's speed targets: (our criterion id, peer, largest acceptable ours / peer time).
TARGETS = [
    ("matmul/1024", "numpy", 1 / 0.8, "sgemm 1024^2: at least 0.8x numpy's throughput"),
    ("matmul/1024", "torch", 1.0, "sgemm 1024^2: at least PyTorch's throughput"),
    ("mlp_784_256_256_10_step_b128", "torch", 1.0, "MLP training step: no slower than PyTorch"),
    ("tiny_add_backward", "candle", 1.0, "per-op overhead: no slower than candle"),
    ("conv2d_64x3x32x32_16x3x3/forward_backward", "torch", 2.0, "conv2d forward + backward: within 2x of PyTorch"),
    ("spmm_100k_1m_64/forward", "scipy", 1.0, "CSR x dense: no slower than scipy"),
    ("lstm_lm_b64_t20_h128/lstm_train_step", "torch", 1.5, "LSTM training step: at most 1.5x PyTorch nn.LSTM"),
]


def run_peer(name, script, env=None):
    """{side: {bench: ms}}: a bench named "id#variant" is the same workload done another
    way (PyTorch's hand-written LSTM loop), filed under the side "name-variant"."""
    out = subprocess.run(
        [sys.executable, str(PEERS / script)], cwd=PEERS, env=env, capture_output=True, text=True, check=True
    ).stdout
    results = {}
    for line in out.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            bench, _, variant = row["bench"].partition("#")
            results.setdefault(f"{name}-{variant}" if variant else name, {})[bench] = row["median_ms"]
    return results


def run_candle():
    """The candle peer is a Rust crate outside the workspace; cargo builds it once."""
    manifest = PEERS / "candle" / "Cargo.toml"
    target = ROOT / "target" / "candle-peer"
    out = subprocess.run(
        ["cargo", "run", "--release", "--quiet", "--manifest-path", str(manifest), "--target-dir", str(target)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    return {row["bench"]: row["median_ms"] for row in map(json.loads, filter(lambda l: l.startswith("{"), out.splitlines()))}


def run_ours():
    subprocess.run(["cargo", "bench", "-p", "benches", "--", "--quick"], cwd=ROOT, check=True, capture_output=True)
    results = {}
    for bench_id, _ in WORKLOADS:
        path = CRITERION / bench_id / "new" / "estimates.json"
        if path.exists():
            results[bench_id] = json.loads(path.read_text())["median"]["point_estimate"] / 1e6
    return results


def keep_best(best, name, results):
    for bench_id, ms in results.items():
        side = best.setdefault(name, {})
        side[bench_id] = min(ms, side.get(bench_id, float("inf")))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--render", action="store_true", help="rewrite peers.md from peers.json; measure nothing")
    for peer in ["numpy", "scipy", "torch", "jax", "candle"]:
        parser.add_argument(f"--skip-{peer}", action="store_true")
    args = parser.parse_args()
    if args.render:
        return render()
    numpy_env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    peers = [
        ("numpy", "numpy_bench.py", numpy_env),
        ("scipy", "scipy_bench.py", None),
        ("torch", "torch_bench.py", None),
        ("jax", "jax_bench.py", None),
    ]
    peers = [p for p in peers if not getattr(args, f"skip_{p[0]}")]
    best = {}
    for round_ in range(args.rounds):
        print(f"round {round_ + 1}/{args.rounds}", file=sys.stderr)
        keep_best(best, "ours", run_ours())
        for name, script, env in peers:
            for side, results in run_peer(name, script, env).items():
                keep_best(best, side, results)
        if not args.skip_candle:
            keep_best(best, "candle", run_candle())
    versions = {}
    for package in ["numpy", "scipy", "torch", "jax"]:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pass
    lock = (PEERS / "candle" / "Cargo.lock").read_text()
    candle = lock.split('name = "candle-core"\nversion = "', 1)
    if len(candle) == 2:
        versions["candle"] = candle[1].split('"', 1)[0]
    meta = {
        "date": datetime.date.today().isoformat(),
        "command": f"python benches/peers/compare.py --rounds {args.rounds}",
        "rounds": args.rounds,
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "isa": isa(),
        "versions": versions,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "peers.json").write_text(json.dumps({"meta": meta, "best": best}, indent=1) + "\n")
    render()


def render():
    """benches/results/peers.md from benches/results/peers.json: targets, ratios, times."""
    saved = json.loads((RESULTS / "peers.json").read_text())
    meta, best = saved["meta"], saved["best"]
    names = [n for n in ["ours", "numpy", "scipy", "torch", "torch-loop", "jax", "candle"] if best.get(n)]
    peers = names[1:]
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    out = [
        "<!-- Written by benches/peers/compare.py from benches/results/peers.json; do not edit. -->",
        f"Measured {meta['date']} with `{meta['command']}` on {meta['cores']} cores ({meta['cpu']}"
        + (f"; {', '.join(meta['isa'])}" if meta.get("isa") else "; instruction sets not recorded")
        + "); "
        f"{versions}. Each side's time is its best median over the rounds. A ratio is our time over the "
        "peer's: below 1 we are faster.",
    ]
    if meta.get("note"):
        out.append("")
        out.append(f"*{meta['note']}*")
    out += ["", "**Targets.**", "", "| target | ours / peer | met? |", "|---|---:|---|"]
    for bench_id, peer, limit, what in TARGETS:
        ours, theirs = best["ours"].get(bench_id), best.get(peer, {}).get(bench_id)
        if ours and theirs:
            ratio = ours / theirs
            out.append(f"| {what} (ours / {peer} <= {limit:.2f}) | {ratio:.2f}x | {'yes' if ratio <= limit else 'no'} |")
        else:
            out.append(f"| {what} | not measured | |")
    out += ["", "**Ratios** (our time / the peer's time).", ""]
    out.append("| workload | " + " | ".join(f"/ {n}" for n in peers) + " |")
    out.append("|---" + "|---:" * len(peers) + "|")
    for bench_id, what in WORKLOADS:
        ours = best["ours"].get(bench_id)
        cells = [f"{ours / best[n][bench_id]:.2f}x" if ours and bench_id in best[n] else "" for n in peers]
        out.append(f"| {what} | " + " | ".join(cells) + " |")
    out += ["", "**Times** (milliseconds, best median).", ""]
    out.append("| workload | " + " | ".join(names) + " |")
    out.append("|---" + "|---:" * len(names) + "|")
    for bench_id, what in WORKLOADS:
        cells = [f"{best[n][bench_id]:.4g}" if bench_id in best[n] else "" for n in names]
        out.append(f"| {what} | " + " | ".join(cells) + " |")
    (RESULTS / "peers.md").write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
