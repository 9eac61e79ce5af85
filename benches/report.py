"""Run the chapter 2 GCN bench and write what it measured for the book.

    python3 benches/report.py        # from the repository root

Runs `cargo bench -p benches --bench gcn -- --quick`, reads criterion's estimate of the
median, and writes benches/results/gcn.md (the paragraph chapter 2's Scale section
includes) with the date, the machine and the command. Timings depend on the machine,
so `zoo all` never rewrites this file: it changes only when someone reruns this script.
"""
import datetime
import json
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benches" / "peers"))
from common import cpu_model  # noqa: E402

COMMAND = ["cargo", "bench", "-p", "benches", "--bench", "gcn", "--", "--quick"]
ESTIMATES = ROOT / "target" / "criterion" / "gcn_100k_nodes_1m_edges" / "train_step" / "new" / "estimates.json"


def main():
    out = subprocess.run(COMMAND, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    graph = re.search(r"graph: (\d+) nodes, (\d+) edges", out)
    nodes, edges = (int(graph.group(1)), int(graph.group(2))) if graph else (0, 0)
    est = json.loads(ESTIMATES.read_text())
    median_ms = est["median"]["point_estimate"] / 1e6
    lo = est["median"]["confidence_interval"]["lower_bound"] / 1e6
    hi = est["median"]["confidence_interval"]["upper_bound"] / 1e6
    today = datetime.date.today().isoformat()
    text = (
        "<!-- Written by `python3 benches/report.py`; do not edit. -->\n"
        f"Measured {today} with `{' '.join(COMMAND)}` on {os.cpu_count()} cores ({cpu_model()}): "
        "one full-batch training step (forward through both layers, cross-entropy on 80 labelled "
        "nodes, backward, Adam) of a 2-layer GCN (32 features, 16 hidden units, 4 classes) on a "
        f"planted partition with {nodes:,} nodes and {edges:,} edges took **{median_ms:.1f} ms** "
        f"(criterion's median; 95% interval {lo:.1f} to {hi:.1f} ms). The graph is built once, outside "
        f"the timing. About {1000 / median_ms:.0f} such steps fit in a second.\n"
    )
    path = ROOT / "benches" / "results" / "gcn.md"
    path.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
