"""Measure the engine and its peers side by side, interleaved, and print ratios.

The machine is shared and noisy, so each side runs in several alternating rounds and
the best (smallest) median of each side is kept. Usage, from the repository root:

    python benches/peers/compare.py [--rounds 3] [--skip-torch] [--skip-jax] ...

Needs: numpy, scipy, threadpoolctl, torch, jax (pip), and cargo (which also builds
the candle peer in benches/peers/candle on first use). numpy runs with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they select a slower kernel here).
Writes the raw numbers, with the date, the machine and the library versions, to
benches/results/peers-ISA.json, ISA being the widest instruction set the engine uses on
this processor (`avx2` or `avx512`, as `autograd::simd::detected` names it), so that a
measurement on one kind of host keeps the other kind's last one. Then the tables the
book's performance page includes: peers-ISA.md for each kind (targets, ratios, times),
and peers-summary.md with book/src/figures/peers_ratios.svg, both kinds side by side. `--render`
rewrites them from the JSON files without measuring anything (to change the layout,
not the numbers).
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
RESULTS = ROOT / "benches" / "results"
PEERS = ROOT / "benches" / "peers"
CRITERION = ROOT / "target" / "criterion"

# (our criterion id, what it is, its short name in the tables)
WORKLOADS_LONG = [
    ("matmul/1024", "sgemm 1024^2", "sgemm 1024"),
    ("matmul/256", "sgemm 256^2", "sgemm 256"),
    ("mlp_784_256_256_10_step_b128", "MLP 784-256-256-10 SGD step, batch 128", "MLP step"),
    ("tiny_add_backward", "1-element add + backward", "tiny add"),
    ("conv2d_64x3x32x32_16x3x3/forward", "conv2d 64x3x32x32 -> 16, 3x3 pad 1, forward", "conv fwd"),
    ("conv2d_64x3x32x32_16x3x3/forward_backward", "conv2d, forward + backward", "conv fwd+bwd"),
    ("spmm_100k_1m_64/forward", "CSR (100k nodes, 1M edges) x dense 64", "CSR x dense"),
    ("spmm_100k_1m_64/forward_backward", "CSR x dense, forward + backward", "CSR fwd+bwd"),
    ("elementwise_1m/add", "add, 1M elements", "add 1M"),
    ("elementwise_1m/exp", "exp, 1M elements", "exp 1M"),
    ("elementwise_1m/tanh", "tanh, 1M elements", "tanh 1M"),
    ("lstm_lm_b64_t20_h128/lstm_train_step", "LSTM step: T 20, batch 64, 32 -> 128, 50 words, Adam", "LSTM step"),
    ("lstm_lm_b64_t20_h128/rnn_train_step", "vanilla RNN step, same sizes", "RNN step"),
]
WORKLOADS = [(b, short) for b, _, short in WORKLOADS_LONG]

# The project's speed targets, per kind of host: (our criterion id, peer, largest
# acceptable ours / peer time, what it means). The AVX-512 targets are issue 32's.
COMMON_TARGETS = [
    ("mlp_784_256_256_10_step_b128", "torch", 1.0, "MLP training step: no slower than PyTorch"),
    ("tiny_add_backward", "candle", 1.0, "per-op overhead: no slower than candle"),
    ("conv2d_64x3x32x32_16x3x3/forward_backward", "torch", 2.0, "conv2d forward + backward: within 2x of PyTorch"),
    ("spmm_100k_1m_64/forward", "scipy", 1.0, "CSR x dense: no slower than scipy"),
    ("elementwise_1m/exp", "numpy", 1.0, "exp: no slower than numpy"),
    ("elementwise_1m/tanh", "numpy", 1.0, "tanh: no slower than numpy"),
]
TARGETS = {
    "avx2": [
        ("matmul/1024", "numpy", 1 / 0.8, "sgemm 1024^2: at least 0.8x numpy's throughput"),
        ("matmul/1024", "torch", 1.0, "sgemm 1024^2: at least PyTorch's throughput"),
        ("lstm_lm_b64_t20_h128/lstm_train_step", "torch", 1.5, "LSTM training step: at most 1.5x PyTorch nn.LSTM"),
    ] + COMMON_TARGETS,
    "avx512": [
        ("matmul/1024", "numpy", 1 / 0.9, "sgemm 1024^2: at least 0.9x numpy's throughput"),
        ("matmul/1024", "torch", 1.0, "sgemm 1024^2: at least PyTorch's throughput"),
        ("lstm_lm_b64_t20_h128/lstm_train_step", "torch", 1.2, "LSTM training step: at most 1.2x PyTorch nn.LSTM"),
        ("mlp_784_256_256_10_step_b128", "jax", 1.0, "MLP training step: no slower than JAX"),
    ] + COMMON_TARGETS,
}
ISAS = [("avx2", "AVX2 host"), ("avx512", "AVX-512 host")]

# What is known to make a workload slower than a peer, by (workload, peer); each is
# printed only beside a ratio the measurement finds above 1.10.
WHY = {
    ("lstm_lm_b64_t20_h128/lstm_train_step", "torch"): "PyTorch's nn.LSTM runs the layer in its own fused C++ "
    "kernels; about half of the engine's step is its matrix products, kernel and packing (benches/README.md).",
}

# Each peer's first comment line (its version and thread count), for the record.
HEADERS = {}


def run_peer(name, script, env=None):
    """{side: {bench: ms}}: a bench named "id#variant" is the same workload done another
    way (PyTorch's hand-written LSTM loop), filed under the side "name-variant"."""
    out = subprocess.run(
        [sys.executable, str(PEERS / script)], cwd=PEERS, env=env, capture_output=True, text=True, check=True
    ).stdout
    results = {}
    for line in out.splitlines():
        if line.startswith("# ") and name not in HEADERS:
            HEADERS[name] = line[2:]
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
    HEADERS.setdefault("candle", next((l[2:] for l in out.splitlines() if l.startswith("# ")), "candle"))
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
    parser.add_argument("--render", action="store_true", help="rewrite the tables and chart from the JSON files; measure nothing")
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
        "rustc": subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip(),
        "commit": commit(),
        "threads": [
            f"engine: {os.cpu_count()} threads for matrix, sparse and large element-wise work "
            "(autograd::threads), MATMUL_NUM_THREADS unset"
        ]
        + [HEADERS[name] for name in sorted(HEADERS)],
    }
    meta["isa_name"] = isa_name()
    RESULTS.mkdir(parents=True, exist_ok=True)
    write(RESULTS / f"peers-{meta['isa_name']}.json", json.dumps({"meta": meta, "best": best}, indent=1) + "\n")
    render()


def commit():
    """The commit measured, with "-dirty" when the work tree had uncommitted changes."""
    git = lambda *a: subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return git("rev-parse", "--short", "HEAD") + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def write(path, text):
    """Write through a temporary file, so a crash never leaves half a table."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def load(isa_key):
    path = RESULTS / f"peers-{isa_key}.json"
    return json.loads(path.read_text()) if path.exists() else None


def ratio(saved, bench_id, peer):
    ours, theirs = saved["best"]["ours"].get(bench_id), saved["best"].get(peer, {}).get(bench_id)
    return ours / theirs if ours and theirs else None


def render():
    """Every table from the JSON files there are: one page section per kind of host,
    then the two side by side."""
    for isa_key, host in ISAS:
        saved = load(isa_key)
        if saved:
            render_one(isa_key, saved)
        else:
            flags = "avx512f" if isa_key == "avx512" else "avx2 and fma"
            write(
                RESULTS / f"peers-{isa_key}.md",
                f"*No measurement on an {host} is committed yet: on a host whose /proc/cpuinfo lists "
                f"{flags}, `python benches/peers/compare.py --rounds 3` measures one and writes this section.*\n",
            )
    render_summary()


SUMMARY_PEERS = ["numpy", "torch", "jax"]


def render_summary():
    """peers-summary.md and peers-ratios.svg: the ratios of both kinds of host side by
    side, the targets each misses, and where the engine is slower than a peer."""
    saved_by_kind = {k: load(k) for k, _ in ISAS}  # each file read once
    measured = [(k, host, saved_by_kind[k]) for k, host in ISAS if saved_by_kind[k]]
    out = ["<!-- Written by benches/peers/compare.py from benches/results/peers-*.json; do not edit. -->"]
    for k, host, saved in measured:
        m = saved["meta"]
        threads = "; ".join(m.get("threads", [])) or "thread counts not recorded"
        out.append(f"- **{host}**: {m['cpu']}, {m['cores']} cores, measured {m['date']}; "
                   + ", ".join(f"{p} {v}" for p, v in m["versions"].items()) + f"; {threads}.")
    missing = [host for k, host in ISAS if not saved_by_kind[k]]
    if missing:
        out.append(f"- **{', '.join(missing)}**: not measured yet.")
    out += ["", "The workloads: " + "; ".join(f"*{short}*: {long}" for _, long, short in WORKLOADS_LONG) + "."]
    out += ["", "**Ratios** (ours / peer: below 1 ours is faster).", ""]
    out += ["| workload | " + " | ".join(f"{host}: / {p}" for _, host, _ in measured for p in SUMMARY_PEERS) + " |"]
    out.append("|---" + "|---:" * (len(measured) * len(SUMMARY_PEERS)) + "|")
    for bench_id, what in WORKLOADS:
        cells = []
        for _, _, saved in measured:
            for p in SUMMARY_PEERS:
                r = ratio(saved, bench_id, p)
                cells.append(f"{r:.2f}x" if r else "")
        if any(cells):
            out.append(f"| {what} | " + " | ".join(cells) + " |")
    out += ["", "**Where the engine is slower** (ratio above 1.10 against numpy or PyTorch; a cause is given only where one "
            "is known):", ""]
    names = dict(WORKLOADS)
    for k, host, saved in measured:
        slower = []
        for bench_id, what in WORKLOADS:
            worse = [(p, ratio(saved, bench_id, p)) for p in ["numpy", "torch"]]
            worse = [(p, r) for p, r in worse if r and r > 1.10]
            if worse:
                said = ", ".join(f"{r:.2f}x {p}" for p, r in worse)
                why = " ".join(WHY[(bench_id, p)] for p, _ in worse if (bench_id, p) in WHY)
                slower.append(f"  - {names[bench_id]}: {said}." + (f" {why}" if why else ""))
        missed = [what for bench_id, peer, limit, what in TARGETS[k] if (ratio(saved, bench_id, peer) or 0) > limit]
        out.append(f"- {host}: " + (f"{len(slower)} workloads." if slower else "none."))
        out += slower
        out.append(f"  - Targets missed: {'; '.join(missed) if missed else 'none'}.")
    write(RESULTS / "peers-summary.md", "\n".join(out) + "\n")
    write(ROOT / "book" / "src" / "figures" / "peers_ratios.svg", chart(measured))


def chart(measured):
    """A bar for each workload and peer (numpy, PyTorch), one panel per kind of host:
    our time over theirs on a log scale, 1 marked (left of it we are faster)."""
    import math

    rows = [(b, w) for b, w in WORKLOADS if any(ratio(s, b, p) for _, _, s in measured for p in ["numpy", "torch"])]
    label_w, panel_w, row_h, top = 110, 260, 26, 40
    values = [r for _, _, sv in measured for b, _ in rows for p in ["numpy", "torch"] if (r := ratio(sv, b, p))]
    lo = max(2.0 ** math.floor(math.log2(min(values + [0.5]))), 1 / 16)
    hi = max(2.0 ** math.ceil(math.log2(max(values + [2.0]))), 2.0)
    ticks = [2.0**k for k in range(round(math.log2(lo)), round(math.log2(hi)) + 1)]
    x_of = lambda r: (math.log2(min(max(r, lo), hi)) - math.log2(lo)) / (math.log2(hi) - math.log2(lo)) * panel_w
    width = max(label_w + len(measured) * (panel_w + 20) + 10, 640)
    height = top + len(rows) * row_h + 60
    colours = {"numpy": "#4477aa", "torch": "#ee6677"}
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    for i, (b, what) in enumerate(rows):
        y = top + i * row_h
        svg.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{what.replace("&", "and")[:46]}</text>')
    for j, (k, host, saved) in enumerate(measured):
        x0 = label_w + j * (panel_w + 20)
        svg.append(f'<text x="{x0 + panel_w / 2}" y="16" text-anchor="middle" font-weight="bold">{host}</text>')
        for r in ticks:
            x = x0 + x_of(r)
            svg.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{top + len(rows) * row_h}" '
                       f'stroke="{"black" if r == 1 else "#dddddd"}"/>')
            label = f"{r:g}x" if r >= 1 else f"1/{1 / r:g}"
            svg.append(f'<text x="{x:.1f}" y="{top + len(rows) * row_h + 14}" text-anchor="middle">{label}</text>')
        for i, (b, _) in enumerate(rows):
            for n, p in enumerate(["numpy", "torch"]):
                r = ratio(saved, b, p)
                if not r:
                    continue
                y = top + i * row_h + 3 + n * 10
                a, c = sorted([x0 + x_of(1), x0 + x_of(r)])
                svg.append(f'<rect x="{a:.1f}" y="{y}" width="{max(c - a, 1):.1f}" height="9" fill="{colours[p]}">'
                           f'<title>{p}: {r:.2f}x</title></rect>')
                # Every bar's value at its end (outside the bar, or inside it when it runs off the scale).
                if r < lo:
                    x, anchor, colour = a + 3, "start", "white"
                elif r < 1:
                    x, anchor, colour = a - 3, "end", "black"
                else:
                    x, anchor, colour = c + 3, "start", "black"
                svg.append(f'<text x="{x:.1f}" y="{y + 8}" text-anchor="{anchor}" font-size="8" fill="{colour}">{r:.2f}</text>')
    ly = top + len(rows) * row_h + 32
    svg.append(f'<text x="10" y="{ly}">Our time / theirs, log scale: left of 1x the engine is faster.</text>')
    for n, (p, col) in enumerate(colours.items()):
        x = 10 + n * 80
        ly2 = ly + 18
        svg.append(f'<rect x="{x}" y="{ly2 - 9}" width="10" height="10" fill="{col}"/>'
                   f'<text x="{x + 14}" y="{ly2}">{"numpy" if p == "numpy" else "PyTorch"}</text>')
    svg.append("</svg>")
    return "\n".join(svg) + "\n"


def render_one(isa_key, saved):
    """benches/results/peers-ISA.md from peers-ISA.json: targets, ratios, times."""
    meta, best = saved["meta"], saved["best"]
    names = [n for n in ["ours", "numpy", "scipy", "torch", "torch-loop", "jax", "candle"] if best.get(n)]
    peers = names[1:]
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    out = [
        f"<!-- Written by benches/peers/compare.py from benches/results/peers-{isa_key}.json; do not edit. -->",
        f"Measured {meta['date']} with `{meta['command']}` on {meta['cores']} cores ({meta['cpu']}"
        + (f"; {', '.join(meta['isa'])}" if meta.get("isa") else "; instruction sets not recorded")
        + "); "
        f"{versions}"
        + (f"; {meta['rustc']}, commit {meta['commit']}" if meta.get("rustc") else "")
        + (" (-dirty: measured with uncommitted changes on top of that commit)" if meta.get("commit", "").endswith("-dirty") else "")
        + ". Threads: "
        + ("; ".join(meta["threads"]) if meta.get("threads") else "not recorded (PyTorch ran with 2, set by torch_bench.py)")
        + ". numpy's element-wise functions and scipy's sparse product run on one thread; the engine cuts large "
        "element-wise maps and sparse products between its threads, so those rows compare two cores with one. Each "
        "side's time is its best median over the rounds. A ratio is our time over the peer's (from the unrounded "
        "times): below 1 we are faster.",
    ]
    if meta.get("note"):
        out.append("")
        out.append(f"*{meta['note']}*")
    out += ["", "**Targets.**", "", "| target | ours / peer | met? |", "|---|---:|---|"]
    for bench_id, peer, limit, what in TARGETS[isa_key]:
        ours, theirs = best["ours"].get(bench_id), best.get(peer, {}).get(bench_id)
        if ours and theirs:
            ratio = ours / theirs
            out.append(f"| {what} (ours / {peer} <= {limit:.2f}) | {ratio:.2f}x | {'yes' if ratio <= limit else 'no'} |")
        else:
            out.append(f"| {what} | not measured | |")
    out += ["", "**Ratios** (ours / peer: below 1 ours is faster).", ""]
    out.append("| workload | " + " | ".join(f"/ {n}" for n in peers) + " |")
    out.append("|---" + "|---:" * len(peers) + "|")
    for bench_id, what in WORKLOADS:
        ours = best["ours"].get(bench_id)
        cells = [f"{ours / best[n][bench_id]:.2f}x" if ours and bench_id in best[n] else "" for n in peers]
        out.append(f"| {what} | " + " | ".join(cells) + " |")
    out += ["", "**Times** (milliseconds, best median, three significant digits).", ""]
    out.append("| workload | " + " | ".join(names) + " |")
    out.append("|---" + "|---:" * len(names) + "|")
    for bench_id, what in WORKLOADS:
        cells = [f"{best[n][bench_id]:.3g}" if bench_id in best[n] else "" for n in names]
        out.append(f"| {what} | " + " | ".join(cells) + " |")
    write(RESULTS / f"peers-{isa_key}.md", "\n".join(out) + "\n")


if __name__ == "__main__":
    main()
