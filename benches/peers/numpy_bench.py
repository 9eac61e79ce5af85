"""numpy (OpenBLAS) sgemm and elementwise, the workloads of benches/benches/matmul.rs
and elementwise.rs. Run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for this
command only (they select a slower kernel on these machines):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benches/peers/numpy_bench.py
"""
import numpy as np
from threadpoolctl import threadpool_info

from common import bench

print("# numpy", np.__version__, [(i["internal_api"], i.get("architecture"), i["num_threads"]) for i in threadpool_info()])
rng = np.random.default_rng(0)
for n in [64, 128, 256, 512, 1024]:
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    ms = bench(f"matmul/{n}", lambda: a @ b)
    print(f"#   {2 * n**3 / (ms * 1e-3) / 1e9:.0f} GFLOP/s")
x = rng.standard_normal((1024, 1024), dtype=np.float32)
y = rng.standard_normal((1024, 1024), dtype=np.float32)
bench("elementwise_1m/add", lambda: x + y)
bench("elementwise_1m/exp", lambda: np.exp(x))
bench("elementwise_1m/tanh", lambda: np.tanh(x))
