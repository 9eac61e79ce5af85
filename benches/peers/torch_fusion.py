"""PyTorch (CPU, 1 thread) on the workloads of benches/benches/fusion.rs: tensor fusion
against low-rank fusion, one training step (forward, L1 loss, backward, Adam) and
inference. The same sizes, initialisations and optimiser settings as the Rust bench;
the models are written the way chapter 9 writes them (the fused tensor by outer
products of [h; 1], LMF as sum_i f_i prod_m (u_{m,i} . [h_m; 1]))."""
import torch
import torch.nn.functional as F

from common import bench

torch.set_num_threads(1)
torch.manual_seed(0)
print("# torch", torch.__version__, "threads", torch.get_num_threads())

LAYER = "fusion_layer_32_32_64_batch_32"
MODEL = "toy_mosi_model_batch_32"


def with_one(h):
    return torch.cat([h, torch.ones(h.shape[0], 1)], 1)


def tensor_fusion(hs):
    """[h_1; 1] (x) [h_2; 1] (x) ..., flattened per example: (n, prod (d_m + 1))."""
    z = with_one(hs[0])
    for h in hs[1:]:
        z = torch.bmm(z.unsqueeze(2), with_one(h).unsqueeze(1)).flatten(1)
    return z


class LowRank(torch.nn.Module):
    def __init__(self, dims, rank):
        super().__init__()
        self.factors = torch.nn.ParameterList(
            [torch.nn.Parameter(torch.nn.init.xavier_normal_(torch.empty(d + 1, rank))) for d in dims]
        )
        self.weights = torch.nn.Parameter(torch.nn.init.xavier_normal_(torch.empty(rank, 1)))
        self.bias = torch.nn.Parameter(torch.zeros(1))

    def forward(self, hs):
        product = None
        for h, u in zip(hs, self.factors):
            projected = with_one(h) @ u
            product = projected if product is None else product * projected
        return product @ self.weights + self.bias


def train_step(parameters, forward, target, inputs=()):
    opt = torch.optim.Adam(parameters, lr=2e-3)

    def step():
        for x in inputs:
            x.grad = None
        opt.zero_grad(set_to_none=True)
        loss = (forward() - target).abs().mean()
        loss.backward()
        opt.step()

    return step


# The fusion layer alone at toy MOSI SPEC section 10's sizes, gradient flowing into h.
dims = [32, 32, 64]
hs = [torch.randn(32, d, requires_grad=True) for d in dims]
target = torch.randn(32, 1)
size = 33 * 33 * 65
tfn = torch.nn.Linear(size, 1)
bench(f"{LAYER}/tfn_linear_train_step", train_step(tfn.parameters(), lambda: tfn(tensor_fusion(hs)), target, hs))
mlp = torch.nn.Sequential(torch.nn.Linear(size, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1))
bench(f"{LAYER}/tfn_mlp_train_step", train_step(mlp.parameters(), lambda: mlp(tensor_fusion(hs)), target, hs))
for rank in [1, 2, 4, 8, 16]:
    lmf = LowRank(dims, rank)
    bench(f"{LAYER}/lmf_rank{rank}_train_step", train_step(lmf.parameters(), lambda: lmf(hs), target, hs))
lmf = LowRank(dims, 4)
with torch.no_grad():
    bench(f"{LAYER}/tfn_linear_inference", lambda: tfn(tensor_fusion(hs)))
    bench(f"{LAYER}/lmf_rank4_inference", lambda: lmf(hs))


# Toy MOSI's whole models: encoders 32/12/12 -> 32 -> 8, then fusion (chapter 7 and 8).
class Encoder(torch.nn.Module):
    def __init__(self, width):
        super().__init__()
        self.hidden, self.out = torch.nn.Linear(width, 32), torch.nn.Linear(32, 8)

    def forward(self, x):
        return self.out(F.dropout(F.relu(self.hidden(x)), 0.1, self.training))


class FusionNet(torch.nn.Module):
    def __init__(self, method, widths):
        super().__init__()
        self.method = method
        self.encoders = torch.nn.ModuleList([Encoder(w) for w in widths])
        if method == "tfn":
            self.head = torch.nn.ModuleList([torch.nn.Linear(729, 32), torch.nn.Linear(32, 1)])
        elif method == "tfn_linear":
            self.head = torch.nn.ModuleList([torch.nn.Linear(729, 1)])
        else:
            self.lowrank = LowRank([8, 8, 8], 4)

    def forward(self, xs):
        hs = [e(x) for e, x in zip(self.encoders, xs)]
        if self.method == "lmf_rank4":
            return self.lowrank([F.dropout(h, 0.1, self.training) for h in hs])
        z = F.dropout(tensor_fusion(hs), 0.1, self.training)
        if self.method == "tfn_linear":
            return self.head[0](z)
        return self.head[1](F.dropout(F.relu(self.head[0](z)), 0.1, self.training))


xs = [torch.randn(32, w) for w in [32, 12, 12]]
target = torch.randn(32, 1)
for method in ["tfn", "tfn_linear", "lmf_rank4"]:
    model = FusionNet(method, [32, 12, 12])
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)

    def step():
        opt.zero_grad(set_to_none=True)
        (model(xs) - target).abs().mean().backward()
        opt.step()

    model.train()
    bench(f"{MODEL}/{method}_train_step", step)
    model.eval()
    with torch.no_grad():
        bench(f"{MODEL}/{method}_inference", lambda: model(xs))
