"""Measure the engine and its peers side by side, interleaved, and print ratios.

The machine is shared and noisy, so each side runs in several alternating rounds and
the best (smallest) median of each side is kept. Usage, from the repository root:

    python benches/peers/compare.py [--rounds 3] [--skip-torch] [--skip-jax] ...

Needs: numpy, scipy, threadpoolctl, torch, jax (pip), and cargo (which also builds
the candle peer in benches/peers/candle on first use). numpy runs with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they select a slower kernel here).
Writes the table to stdout (markdown) and the raw numbers to
target/peers-comparison.json.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
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
]


def run_peer(script, env=None):
    out = subprocess.run(
        [sys.executable, str(PEERS / script)], cwd=PEERS, env=env, capture_output=True, text=True, check=True
    ).stdout
    results = {}
    for line in out.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            results[row["bench"]] = row["median_ms"]
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
    for peer in ["numpy", "scipy", "torch", "jax", "candle"]:
        parser.add_argument(f"--skip-{peer}", action="store_true")
    args = parser.parse_args()
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
            keep_best(best, name, run_peer(script, env))
        if not args.skip_candle:
            keep_best(best, "candle", run_candle())
    (ROOT / "target" / "peers-comparison.json").write_text(json.dumps(best, indent=1))
    names = ["ours"] + [p[0] for p in peers] + ([] if args.skip_candle else ["candle"])
    print("| workload | " + " | ".join(f"{n} (ms)" for n in names) + " | " + " | ".join(f"ours / {n}" for n in names[1:]) + " |")
    print("|---" * (2 * len(names)) + "|")
    for bench_id, what in WORKLOADS:
        ours = best["ours"].get(bench_id)
        cells = [f"{best[n][bench_id]:.4g}" if bench_id in best.get(n, {}) else "" for n in names]
        ratios = [
            f"{ours / best[n][bench_id]:.2f}x" if ours and bench_id in best.get(n, {}) else "" for n in names[1:]
        ]
        print(f"| {what} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")


if __name__ == "__main__":
    main()
