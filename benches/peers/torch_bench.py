"""PyTorch (CPU, 2 threads) on the workloads of benches/benches/*.rs."""
import torch
import torch.nn.functional as F

from common import bench

torch.set_num_threads(2)
torch.manual_seed(0)
print("# torch", torch.__version__, "threads", torch.get_num_threads())

for n in [64, 256, 1024]:
    a, b = torch.randn(n, n), torch.randn(n, n)
    ms = bench(f"matmul/{n}", lambda: a @ b)
    print(f"#   {2 * n**3 / (ms * 1e-3) / 1e9:.0f} GFLOP/s")

ex, ey = torch.randn(1024, 1024), torch.randn(1024, 1024)
bench("elementwise_1m/add", lambda: ex + ey)
bench("elementwise_1m/exp", lambda: ex.exp())
bench("elementwise_1m/tanh", lambda: ex.tanh())

# tiny-op overhead: 1-element add and its backward
p, q = torch.tensor([1.0], requires_grad=True), torch.tensor([2.0], requires_grad=True)
def tiny():
    (p + q).backward()
bench("tiny_add_backward", tiny, min_runs=10000)

# MLP 784-256-256-10, SGD step at batch 128
mlp = torch.nn.Sequential(
    torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10)
)
opt = torch.optim.SGD(mlp.parameters(), lr=0.01)
x, labels = torch.randn(128, 784), torch.randint(0, 10, (128,))
def mlp_step():
    opt.zero_grad()
    loss = F.cross_entropy(mlp(x), labels)
    loss.backward()
    opt.step()
bench("mlp_784_256_256_10_step_b128", mlp_step)

# conv2d: batch 64, 3 -> 16 channels, 32x32, 3x3, pad 1
img = torch.randn(64, 3, 32, 32, requires_grad=True)
w = (torch.randn(16, 3, 3, 3) * 0.2).requires_grad_()
bias = torch.zeros(16, requires_grad=True)
with torch.no_grad():
    bench("conv2d_64x3x32x32_16x3x3/forward", lambda: F.conv2d(img, w, bias, 1, 1))
def conv_fb():
    F.conv2d(img, w, bias, 1, 1).sum().backward()
bench("conv2d_64x3x32x32_16x3x3/forward_backward", conv_fb)

# CSR x dense: 100k nodes, 1M edges, 64 wide
nodes, edges = 100_000, 1_000_000
idx = torch.randint(0, nodes, (2, edges))
adj = torch.sparse_coo_tensor(idx, torch.full((edges,), 0.1), (nodes, nodes)).coalesce().to_sparse_csr()
feats = torch.randn(nodes, 64, requires_grad=True)
with torch.no_grad():
    bench("spmm_100k_1m_64/forward", lambda: adj @ feats, min_time=2.0)
def spmm_fb():
    (adj @ feats).sum().backward()
bench("spmm_100k_1m_64/forward_backward", spmm_fb, min_time=2.0)

# LSTM language-model-shaped step (benches/benches/lstm.rs): inputs 32, T = 20, batch 64,
# hidden 128, a readout to 50 words at every step, cross-entropy, backward, Adam.
B, T, I, H, V = 64, 20, 32, 128, 50
seq_x = torch.randn(B, T, I)
seq_targets = torch.tensor([(i * 7 + i // 3) % V for i in range(B * T)])


def lm_step(recurrent, readout):
    opt = torch.optim.Adam(list(recurrent.parameters()) + list(readout.parameters()), lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        out, _ = recurrent(seq_x)
        F.cross_entropy(readout(out.reshape(B * T, H)), seq_targets).backward()
        opt.step()

    return step


bench("lstm_lm_b64_t20_h128/lstm_train_step", lm_step(torch.nn.LSTM(I, H, batch_first=True), torch.nn.Linear(H, V)))
bench("lstm_lm_b64_t20_h128/rnn_train_step", lm_step(torch.nn.RNN(I, H, batch_first=True), torch.nn.Linear(H, V)))


class HandLstm(torch.nn.Module):
    """The cell as chapter 10's page writes it, looped over time in Python."""

    def __init__(self):
        super().__init__()
        self.w_x, self.w_h = torch.nn.Linear(I, 4 * H), torch.nn.Linear(H, 4 * H, bias=False)

    def forward(self, x):
        h, c, outs = torch.zeros(B, H), torch.zeros(B, H), []
        xwb = self.w_x(x)
        for t in range(T):
            a = xwb[:, t] + self.w_h(h)
            i, f, g, o = a.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            outs.append(h)
        return torch.stack(outs, 1), None


# "#loop": compare.py files it as a peer of its own, "torch-loop", on the same workload.
bench("lstm_lm_b64_t20_h128/lstm_train_step#loop", lm_step(HandLstm(), torch.nn.Linear(H, V)))
