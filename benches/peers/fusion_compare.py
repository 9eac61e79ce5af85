"""Tensor fusion against low-rank fusion, our engine and PyTorch side by side.

    python3 benches/peers/fusion_compare.py [--rounds 3]     # from the repository root

Runs `cargo bench -p benches --bench fusion -- --quick` (with MATMUL_NUM_THREADS=1)
and `benches/peers/torch_fusion.py` (torch.set_num_threads(1)) in alternating rounds,
keeps each side's best median (the machine is shared and its speed drifts), and writes
benches/results/fusion.json with the date, the machine and the versions. Chapter 9
compiles that file in and draws its timing figure and speed claims from it; `zoo all`
never rewrites it, because timings depend on the machine. Needs torch (pip).
"""
import argparse
import datetime
import importlib.metadata
import json
import os
import pathlib
import subprocess
import sys

from common import cpu_model

ROOT = pathlib.Path(__file__).resolve().parents[2]
PEERS = ROOT / "benches" / "peers"
CRITERION = ROOT / "target" / "criterion"
OUT = ROOT / "benches" / "results" / "fusion.json"
GROUPS = ["fusion_layer_32_32_64_batch_32", "toy_mosi_model_batch_32"]


def run_ours():
    env = dict(os.environ, MATMUL_NUM_THREADS="1")
    command = ["cargo", "bench", "-p", "benches", "--bench", "fusion", "--", "--quick"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    results = {}
    for group in GROUPS:
        for bench in sorted((CRITERION / group).iterdir()):
            path = bench / "new" / "estimates.json"
            if path.exists():
                results[f"{group}/{bench.name}"] = json.loads(path.read_text())["median"]["point_estimate"] / 1e6
    return results


def run_torch():
    out = subprocess.run(
        [sys.executable, str(PEERS / "torch_fusion.py")], cwd=PEERS, capture_output=True, text=True, check=True
    ).stdout
    return {row["bench"]: row["median_ms"] for row in map(json.loads, filter(lambda l: l.startswith("{"), out.splitlines()))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    best = {"ours": {}, "torch": {}}
    for round_ in range(args.rounds):
        print(f"round {round_ + 1}/{args.rounds}", file=sys.stderr)
        for side, results in [("ours", run_ours()), ("torch", run_torch())]:
            for bench, ms in results.items():
                best[side][bench] = min(ms, best[side].get(bench, float("inf")))
    saved = {
        "date": datetime.date.today().isoformat(),
        "command": f"python3 benches/peers/fusion_compare.py --rounds {args.rounds}",
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "versions": {"torch": importlib.metadata.version("torch")},
        "ms": {side: {k: round(v, 5) for k, v in sorted(times.items())} for side, times in best.items()},
    }
    tmp = OUT.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(saved, indent=1) + "\n")
    tmp.replace(OUT)
    for bench in sorted(best["ours"]):
        ours, torch = best["ours"][bench], best["torch"].get(bench)
        ratio = f"{ours / torch:6.2f}x" if torch else ""
        print(f"{bench:60s} ours {ours:9.4f} ms  torch {torch or float('nan'):9.4f} ms  {ratio}")


if __name__ == "__main__":
    main()
