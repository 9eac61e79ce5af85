"""scipy.sparse CSR x dense: 100k nodes, 1M random edges, 64 features, as in
benches/benches/sparse.rs (same sizes and distribution, not the same random draw)."""
import numpy as np
import scipy
import scipy.sparse as sp

from common import bench

print("# scipy", scipy.__version__)
rng = np.random.default_rng(2026)
nodes, edges, d = 100_000, 1_000_000, 64
rows = rng.integers(0, nodes, edges)
cols = rng.integers(0, nodes, edges)
a = sp.csr_matrix((np.full(edges, 0.1, np.float32), (rows, cols)), shape=(nodes, nodes))
a.sum_duplicates()
x = rng.standard_normal((nodes, d), dtype=np.float32)
bench("spmm_100k_1m_64/forward", lambda: a @ x, min_time=2.0)
at = a.T.tocsr()
bench("spmm_100k_1m_64/forward_backward", lambda: (a @ x, at @ np.ones((nodes, d), np.float32)), min_time=2.0)
