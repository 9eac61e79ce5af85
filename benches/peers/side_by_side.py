"""A chapter's model-level benches, our engine and PyTorch side by side.

    python3 benches/peers/side_by_side.py WORKLOAD [--rounds 3]     # from the repository root

WORKLOAD is one of the table below (`fusion_compare.py` and `captioning_compare.py`
are this script with theirs). Runs `cargo bench -p benches --bench WORKLOAD -- --quick`
(with MATMUL_NUM_THREADS=1) and the PyTorch script (torch.set_num_threads(1)) in
alternating rounds, keeps each side's best median (the machine is shared and its speed
drifts), and writes benches/results/WORKLOAD-ISA.json with the date, the machine and the
versions, ISA being the widest instruction set the engine uses here (`avx2` or
`avx512`): one file per kind of host, each keeping its last measurement. The chapter
compiles the AVX2 file in and draws its speed figures and claims from it; `zoo all`
never rewrites it, because timings depend on the machine. Needs torch.
"""
import argparse
import datetime
import importlib.metadata
import json
import os
import pathlib
import subprocess
import sys

from common import cpu_model, isa, isa_name

ROOT = pathlib.Path(__file__).resolve().parents[2]
PEERS = ROOT / "benches" / "peers"
CRITERION = ROOT / "target" / "criterion"

# workload -> (the PyTorch script, criterion groups), for chapters 9 and 10.
WORKLOADS = {
    "fusion": ("torch_fusion.py", ["fusion_layer_32_32_64_batch_32", "toy_mosi_model_batch_32"]),
    "captioning": ("torch_captioning.py", ["captioner_batch_32"]),
}


def run_ours(workload):
    env = dict(os.environ, MATMUL_NUM_THREADS="1")
    command = ["cargo", "bench", "-p", "benches", "--bench", workload, "--", "--quick"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    results = {}
    for group in WORKLOADS[workload][1]:
        for bench in sorted((CRITERION / group).iterdir()):
            path = bench / "new" / "estimates.json"
            if path.exists():
                results[f"{group}/{bench.name}"] = json.loads(path.read_text())["median"]["point_estimate"] / 1e6
    return results


def run_torch(workload):
    script = PEERS / WORKLOADS[workload][0]
    out = subprocess.run([sys.executable, str(script)], cwd=PEERS, capture_output=True, text=True, check=True).stdout
    return {row["bench"]: row["median_ms"] for row in map(json.loads, filter(lambda l: l.startswith("{"), out.splitlines()))}


def main(argv=None, command=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    best = {"ours": {}, "torch": {}}
    for round_ in range(args.rounds):
        print(f"round {round_ + 1}/{args.rounds}", file=sys.stderr)
        for side, results in [("ours", run_ours(args.workload)), ("torch", run_torch(args.workload))]:
            for bench, ms in results.items():
                best[side][bench] = min(ms, best[side].get(bench, float("inf")))
    saved = {
        "date": datetime.date.today().isoformat(),
        "command": (command or f"python3 benches/peers/side_by_side.py {args.workload}") + f" --rounds {args.rounds}",
        "cpu": cpu_model(),
        "isa": isa(),
        "cores": os.cpu_count(),
        "versions": {"torch": importlib.metadata.version("torch")},
        "ms": {side: {k: round(v, 5) for k, v in sorted(times.items())} for side, times in best.items()},
    }
    out = ROOT / "benches" / "results" / f"{args.workload}-{isa_name()}.json"
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(saved, indent=1) + "\n")
    tmp.replace(out)
    for bench in sorted(best["ours"]):
        ours, torch = best["ours"][bench], best["torch"].get(bench)
        ratio = f"{ours / torch:6.2f}x" if torch else ""
        print(f"{bench:60s} ours {ours:9.4f} ms  torch {torch or float('nan'):9.4f} ms  {ratio}")


if __name__ == "__main__":
    main()
