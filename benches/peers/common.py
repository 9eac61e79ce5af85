"""Timing helper shared by the peer scripts: median wall time of repeated calls."""
import json
import pathlib
import statistics
import sys
import time


def bench(name, fn, *, warmup=3, min_time=1.0, min_runs=10):
    """Run fn until min_time seconds and min_runs calls have passed; print and
    return the median time per call in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    median_ms = statistics.median(times) * 1e3
    print(json.dumps({"bench": name, "median_ms": round(median_ms, 5), "runs": len(times)}))
    sys.stdout.flush()
    return median_ms


def cpu_model():
    """The processor's name, as /proc/cpuinfo gives it."""
    return next(
        (l.split(":", 1)[1].strip() for l in pathlib.Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")),
        "unknown CPU",
    )


def isa():
    """The vector instruction sets the processor reports, among those that matter here."""
    flags = next(
        (l.split(":", 1)[1].split() for l in pathlib.Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("flags")),
        [],
    )
    return [f for f in ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl"] if f in flags]


def isa_name():
    """The widest instruction set the engine has code for on this processor, as
    `autograd::simd::detected` names it: "avx512", "avx2" or "baseline". Results files
    are kept one per name, so hosts of both kinds each keep their last measurement."""
    flags = isa()
    if "avx2" in flags and "fma" in flags:
        return "avx512" if "avx512f" in flags else "avx2"
    return "baseline"
