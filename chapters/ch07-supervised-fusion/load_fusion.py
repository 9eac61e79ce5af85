"""Load the toy MOSI fusion models that `--save DIR` wrote (chapters 7, 8 and 9)
outside Rust, and check that each scores exactly what it scored when it was saved.

    cargo run --release -p ch07-supervised-fusion -- --save DIR
    python3 chapters/ch07-supervised-fusion/load_fusion.py DIR

Every DIR/*.safetensors is one model: its weights under PyTorch's names and layouts,
its architecture and its preprocessing (the modalities it reads and each one's
training mean and standard deviation) in the metadata. DIR/data is the dataset it was
tested on, in the layout `--data DIR` reads: the raw test summaries are
test_{text,audio,vision}_mean.npy. This script standardises them with the saved
statistics, runs the model's forward pass in numpy, and compares the test Acc-2 and
MAE with the saved ones. If PyTorch is installed it also builds the equivalent
torch.nn.Module, loads the weights with load_state_dict(strict=True) and does the
same. Exits non-zero if any Acc-2 differs, or any MAE by more than 1e-5.

Needs numpy and safetensors (pip install numpy safetensors).
"""
import argparse
import json
import pathlib
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

FILE_NAMES = {"Text": "text", "Audio": "audio", "Video": "vision"}


# ---- the forward passes, in numpy -------------------------------------------------

def linear(state, prefix, x):
    """nn.Linear: x W^T + b, W stored (out, in)."""
    return x @ state[f"{prefix}.weight"].T + state[f"{prefix}.bias"]


def relu(x):
    return np.maximum(x, 0.0)


def encoder(state, m, x):
    """Modality m's encoder: input -> 32 -> 8, ReLU between (dropout is off)."""
    return linear(state, f"encoders.{m}.out", relu(linear(state, f"encoders.{m}.hidden", x)))


def with_one(h):
    return np.concatenate([h, np.ones((h.shape[0], 1), dtype=h.dtype)], axis=1)


def tensor_fusion(hs):
    """vec([h_1; 1] (x) [h_2; 1] (x) ...), row-major as models::fusion::tensor_fusion."""
    z = with_one(hs[0])
    for h in hs[1:]:
        h = with_one(h)
        z = (z[:, :, None] * h[:, None, :]).reshape(z.shape[0], -1)
    return z


def entry_orders(dims):
    """How many factors of each tensor entry are a projection rather than the 1."""
    orders = [0]
    for d in dims:
        orders = [o + (i < d) for o in orders for i in range(d + 1)]
    return np.array(orders)


def fusion_net(state, arch, xs):
    """models::fusion::FusionNet::forward in evaluation mode."""
    method = arch["method"]
    kind = method if isinstance(method, str) else next(iter(method))
    if kind == "ConcatLinear":
        return linear(state, "head.0", np.concatenate(xs, axis=1))
    if kind == "ConcatMlp":
        h = relu(linear(state, "head.0", np.concatenate(xs, axis=1)))
        return linear(state, "head.2", relu(linear(state, "head.1", h)))
    hs = [encoder(state, m, x) for m, x in enumerate(xs)]
    if kind in ("Sum", "Product"):
        fused = hs[0]
        for h in hs[1:]:
            fused = fused + h if kind == "Sum" else fused * h
        return linear(state, "head.0", fused)
    if kind in ("Tfn", "TfnLinear"):
        z = tensor_fusion(hs)
        if arch.get("max_order") is not None:
            z = z * (entry_orders([h.shape[1] for h in hs]) <= arch["max_order"])
        if kind == "TfnLinear":
            return linear(state, "head.0", z)
        return linear(state, "head.1", relu(linear(state, "head.0", z)))
    if kind == "Lmf":
        product = None
        for m, h in enumerate(hs):
            projected = with_one(h) @ state[f"lowrank.factors.{m}"]  # (n, r)
            product = projected if product is None else product * projected
        return product @ state["lowrank.rank_weights"] + state["lowrank.bias"]
    raise SystemExit(f"unknown fusion method {method!r}")


def gmu(state, arch, xs):
    """Chapter 9's Gated Multimodal Unit (ch09-low-rank-fusion/src/gmu.rs) in evaluation
    mode: e_m = E_m(x_m), z = sigmoid(W_z [e_1; ...; e_M] + b_z) cut into one 8-wide gate
    per modality, h = sum_m z_m * tanh(W_m e_m + b_m), y = w . h + b."""
    es = [encoder(state, m, x) for m, x in enumerate(xs)]
    z = 0.5 * (1.0 + np.tanh(0.5 * linear(state, "gate", np.concatenate(es, axis=1))))  # sigmoid
    d = es[0].shape[1]
    h = sum(z[:, m * d:(m + 1) * d] * np.tanh(linear(state, f"transforms.{m}", e)) for m, e in enumerate(es))
    return linear(state, "head", h)


NUMPY_FORWARD = {"FusionNet": fusion_net, "Gmu": gmu}


# ---- the same models in PyTorch (when installed) ----------------------------------

def torch_gmu(arch, torch):
    """Chapter 9's Gated Multimodal Unit as a torch.nn.Module (the checkpoint's keys)."""
    nn = torch.nn
    widths = arch["widths"]

    class Gmu(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoders = nn.ModuleList(
                [nn.ModuleDict({"hidden": nn.Linear(w, 32), "out": nn.Linear(32, 8)}) for w in widths]
            )
            self.transforms = nn.ModuleList([nn.Linear(8, 8) for _ in widths])
            self.gate = nn.Linear(8 * len(widths), 8 * len(widths))
            self.head = nn.Linear(8, 1)
            self.dropout = nn.Dropout(0.1)

        def forward(self, xs):
            es = [e["out"](self.dropout(torch.relu(e["hidden"](x)))) for e, x in zip(self.encoders, xs)]
            zs = torch.sigmoid(self.gate(torch.cat(es, dim=1))).chunk(len(es), dim=1)
            h = sum(z * torch.tanh(w(e)) for z, w, e in zip(zs, self.transforms, es))
            return self.head(self.dropout(h))

    return Gmu()


def torch_model(arch, torch):
    """A torch.nn.Module whose state_dict keys are the checkpoint's."""
    nn = torch.nn
    if arch["kind"] == "Gmu":
        return torch_gmu(arch, torch)
    if arch["kind"] != "FusionNet":
        return None
    method = arch["method"]
    kind = method if isinstance(method, str) else next(iter(method))
    widths = arch["widths"]

    class Encoder(nn.Module):
        def __init__(self, width):
            super().__init__()
            self.hidden, self.out = nn.Linear(width, 32), nn.Linear(32, 8)

        def forward(self, x):
            return self.out(torch.relu(self.hidden(x)))

    class LowRank(nn.Module):
        def __init__(self, rank):
            super().__init__()
            self.factors = nn.ParameterList([nn.Parameter(torch.zeros(9, rank)) for _ in widths])
            self.rank_weights = nn.Parameter(torch.zeros(rank, 1))
            self.bias = nn.Parameter(torch.zeros(1))

        def forward(self, hs):
            product = None
            for h, u in zip(hs, self.factors):
                p = torch.cat([h, torch.ones(h.shape[0], 1)], dim=1) @ u
                product = p if product is None else product * p
            return product @ self.rank_weights + self.bias

    class Fusion(nn.Module):
        def __init__(self):
            super().__init__()
            total, size = sum(widths), 9 ** len(widths)
            heads = {
                "ConcatLinear": [(total, 1)],
                "ConcatMlp": [(total, 64), (64, 32), (32, 1)],
                "Sum": [(8, 1)],
                "Product": [(8, 1)],
                "Tfn": [(size, 32), (32, 1)],
                "TfnLinear": [(size, 1)],
                "Lmf": [],
            }[kind]
            if kind not in ("ConcatLinear", "ConcatMlp"):
                self.encoders = nn.ModuleList([Encoder(w) for w in widths])
            if heads:
                self.head = nn.ModuleList([nn.Linear(a, b) for a, b in heads])
            if kind == "Lmf":
                self.lowrank = LowRank(method["Lmf"])
            if arch.get("max_order") is not None:
                orders = torch.from_numpy(entry_orders([8] * len(widths)))
                self.mask = (orders <= arch["max_order"]).float()
            else:
                self.mask = None

        def forward(self, xs):
            if kind == "ConcatLinear":
                return self.head[0](torch.cat(xs, dim=1))
            if kind == "ConcatMlp":
                h = torch.relu(self.head[0](torch.cat(xs, dim=1)))
                return self.head[2](torch.relu(self.head[1](h)))
            hs = [e(x) for e, x in zip(self.encoders, xs)]
            if kind in ("Sum", "Product"):
                fused = hs[0]
                for h in hs[1:]:
                    fused = fused + h if kind == "Sum" else fused * h
                return self.head[0](fused)
            if kind == "Lmf":
                return self.lowrank(hs)
            ones = torch.ones(hs[0].shape[0], 1)
            z = torch.cat([hs[0], ones], dim=1)
            for h in hs[1:]:
                h = torch.cat([h, ones], dim=1)
                z = (z[:, :, None] * h[:, None, :]).reshape(z.shape[0], -1)
            if self.mask is not None:
                z = z * self.mask
            if kind == "TfnLinear":
                return self.head[0](z)
            return self.head[1](torch.relu(self.head[0](z)))

    return Fusion()


# ---- data, scores, the check ------------------------------------------------------

def standardised_test(data, pre):
    """The raw test summaries of the model's modalities, z-scored as in training."""
    xs = []
    for m, mean, sd in zip(pre["modalities"], pre["mean"], pre["sd"]):
        raw = np.load(data / f"test_{FILE_NAMES[m]}_mean.npy").astype(np.float64)
        xs.append(((raw - np.array(mean)) / np.array(sd)).astype(np.float32))
    return xs


def scores(p, y):
    """Acc-2 (negative vs non-negative, 0 non-negative) and MAE, as the chapters score."""
    p = p.astype(np.float64).reshape(-1)
    return float(np.mean((p >= 0) == (y >= 0))), float(np.mean(np.abs(p - y)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=pathlib.Path, help="the folder --save wrote")
    args = parser.parse_args()
    paths = sorted(args.dir.glob("*.safetensors"))
    if not paths:
        raise SystemExit(f"{args.dir} holds no .safetensors checkpoints: run a chapter with --save {args.dir}")
    labels = np.load(args.dir / "data" / "test_labels.npy").astype(np.float64)
    try:
        import torch
    except ImportError:
        torch = None
    failed = False
    for path in paths:
        with safe_open(str(path), "np") as f:
            meta = f.metadata()
        state = load_file(str(path))
        arch, pre = json.loads(meta["architecture"]), json.loads(meta["preprocessing"])
        saved = (float(meta["test_acc2"]), float(meta["test_mae"]))
        rust = np.array(json.loads(meta["test_predictions"]))
        xs = standardised_test(args.dir / "data", pre)
        forward = NUMPY_FORWARD.get(arch["kind"])
        if forward is None:
            raise SystemExit(f"{path}: no numpy forward pass for a {arch['kind']}")
        runs = {"numpy": forward(state, arch, xs)}
        if torch is not None:
            model = torch_model(arch, torch)
            if model is not None:
                model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
                model.eval()
                with torch.no_grad():
                    runs["torch"] = model([torch.from_numpy(x) for x in xs]).numpy()
        print(f"{path.name}: saved with test Acc-2 {saved[0]:.4f}, MAE {saved[1]:.6f}")
        for name, p in runs.items():
            acc2, mae = scores(p, labels)
            gap = float(np.max(np.abs(p.reshape(-1).astype(np.float64) - rust)))
            ok = acc2 == saved[0] and abs(mae - saved[1]) <= 1e-5
            failed |= not ok
            print(
                f"  {name}: Acc-2 {acc2:.4f}, MAE {mae:.6f} on {len(labels)} test utterances; "
                f"largest difference from Rust's predictions {gap:.2e}{'' if ok else '  <- differs'}"
            )
    if failed:
        print("a reloaded model does not reproduce its saved scores", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
