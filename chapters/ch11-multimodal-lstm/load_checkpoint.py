"""Load the multimodal LSTMs that `cargo run --release -p ch11-multimodal-lstm -- --save DIR`
wrote, outside Rust, and check that they score what they scored when saved.

    python3 chapters/ch11-multimodal-lstm/load_checkpoint.py DIR [--numpy-only]

DIR holds multi_view.safetensors, early.safetensors and late.safetensors (PyTorch's
names and layouts; the architecture, the standardisation statistics, the test Acc-2 and
MAE and the test predictions in the metadata) and data/, toy MOSI's --export layout
(data/test_text.npy, test_audio.npy, test_vision.npy: (N, T, d) float32 sequences padded
with zero rows; test_lengths.npy; test_labels.npy).

Needs numpy and safetensors (pip install numpy safetensors). Each model runs in numpy
as the Rust code runs it: the raw test sequences z-scored with the saved statistics,
grouped by length as Rust batches them, each LSTM's gates i, f, g, o from
x W_ih^T + b_ih + b_hh + h W_hh^T, the final hidden state(s) into the linear head. If
PyTorch is installed, each file is also loaded with load_state_dict(strict=True): early
and late fusion into nn.LSTM(batch_first=True) modules run on packed padded sequences,
the multi-view LSTM into a small module with the checkpoint's parameter names run over
the padded batch with each sequence's state frozen after its length.

Prints Acc-2 and MAE beside the saved ones and the largest difference from the saved
predictions; exits non-zero if an Acc-2 differs or a MAE differs by more than 1e-5.
"""
import argparse
import json
import pathlib
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

MAE_TOLERANCE = 1e-5
# The layout's file name of each modality (models::data::mosi).
FILES = {"Text": "text", "Audio": "audio", "Video": "vision"}


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def metadata_json(path, meta, key):
    if key not in meta:
        fail(f"{path}: the checkpoint's metadata has no {key!r}; was it written by --save?")
    try:
        return json.loads(meta[key])
    except json.JSONDecodeError as e:
        fail(f"{path}: the metadata's {key!r} is not JSON: {e}")


def raw_split(folder, split, modalities):
    """The split's raw sequences, one (N, T, d) float32 array per modality, its lengths
    and its labels."""
    def npy(name):
        path = folder / f"{split}_{name}.npy"
        if not path.is_file():
            fail(f"{path} is missing: give the folder --save DIR wrote (it holds data/)")
        return np.load(path)

    sequences = [npy(FILES[m]) for m in modalities]
    return sequences, npy("lengths").astype(np.int64), npy("labels").astype(np.float64)


def standardise(sequences, lengths, mean, sd):
    """Each channel z-scored as Rust does, ((v as f64 - mean) / sd) as f32; padding rows
    set back to zero (no model reads them)."""
    out = []
    steps = np.arange(sequences[0].shape[1])
    real = (steps[None, :] < lengths[:, None])[:, :, None]
    for x, m, s in zip(sequences, mean, sd):
        z = ((x.astype(np.float64) - np.asarray(m)) / np.asarray(s)).astype(np.float32)
        out.append(np.where(real, z, np.float32(0.0)))
    return out


def sigmoid(x):
    return np.float32(1.0) / (np.float32(1.0) + np.exp(-x))


def lstm_step(gates, c):
    """The LSTM equations on gates (batch, 4h), blocks i, f, g, o, and the cell c."""
    i, f, g, o = np.split(gates, 4, axis=1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


def lstm_final(x, state, prefix):
    """nn.LSTM(batch_first=True) over x (batch, steps, d), all of one length: the final h."""
    w_ih, w_hh = state[f"{prefix}.weight_ih_l0"], state[f"{prefix}.weight_hh_l0"]
    bias = state[f"{prefix}.bias_ih_l0"] + state[f"{prefix}.bias_hh_l0"]
    hidden = w_hh.shape[1]
    h = np.zeros((x.shape[0], hidden), np.float32)
    c = np.zeros_like(h)
    xwb = x @ w_ih.T + bias
    for t in range(x.shape[1]):
        h, c = lstm_step(xwb[:, t] + h @ w_hh.T, c)
    return h


def multi_view_final(xs, state, hidden):
    """The multi-view LSTM: modality m's gates read its input and every modality's h."""
    batch, steps = xs[0].shape[:2]
    cells = range(len(xs))
    xwb = [x @ state[f"cells.{m}.weight_ih"].T + state[f"cells.{m}.bias_ih"] + state[f"cells.{m}.bias_hh"]
           for m, x in zip(cells, xs)]
    hs = [np.zeros((batch, hidden), np.float32) for _ in cells]
    cs = [np.zeros((batch, hidden), np.float32) for _ in cells]
    for t in range(steps):
        everyone = np.concatenate(hs, axis=1)
        new = [lstm_step(xwb[m][:, t] + everyone @ state[f"cells.{m}.weight_hh"].T, cs[m]) for m in cells]
        hs, cs = [h for h, _ in new], [c for _, c in new]
    return np.concatenate(hs, axis=1)


def numpy_predict(arch, state, xs, lengths):
    """Predictions for every row, batched by length as Rust's predict_sequences does."""
    out = np.zeros(len(lengths), np.float32)
    for length in sorted(set(lengths.tolist())):
        rows = np.nonzero(lengths == length)[0]
        batch = [x[rows, :length] for x in xs]
        if arch["method"] == "Early":
            final = lstm_final(np.concatenate(batch, axis=2), state, "lstms.0")
        elif arch["method"] == "Late":
            final = np.concatenate([lstm_final(x, state, f"lstms.{m}") for m, x in enumerate(batch)], axis=1)
        else:
            final = multi_view_final(batch, state, arch["hidden"])
        out[rows] = (final @ state["head.weight"].T + state["head.bias"])[:, 0]
    return out


def torch_predict(torch, arch, state, xs, lengths):
    """The same model as PyTorch modules, loaded with load_state_dict(strict=True)."""
    nn = torch.nn
    widths, hidden, method = arch["widths"], arch["hidden"], arch["method"]
    views = len(widths)

    class Lstms(nn.Module):
        """Early (one nn.LSTM over the concatenated modalities) or late fusion (one per
        modality), final h through a linear head; variable lengths as packed sequences."""

        def __init__(self):
            super().__init__()
            if method == "Early":
                self.lstms = nn.ModuleList([nn.LSTM(sum(widths), hidden * views, batch_first=True)])
            else:
                self.lstms = nn.ModuleList([nn.LSTM(w, hidden, batch_first=True) for w in widths])
            self.head = nn.Linear(hidden * views, 1)

        def forward(self, xs, lengths):
            inputs = [torch.cat(xs, 2)] if method == "Early" else xs
            finals = []
            for lstm, x in zip(self.lstms, inputs):
                packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
                _, (h, _) = lstm(packed)
                finals.append(h[-1])
            return self.head(torch.cat(finals, 1))[:, 0]

    class MultiViewCell(nn.Module):
        def __init__(self, width):
            super().__init__()
            self.weight_ih = nn.Parameter(torch.empty(4 * hidden, width))
            self.weight_hh = nn.Parameter(torch.empty(4 * hidden, views * hidden))
            self.bias_ih = nn.Parameter(torch.empty(4 * hidden))
            self.bias_hh = nn.Parameter(torch.empty(4 * hidden))

        def forward(self, x, everyone, c):
            gates = x @ self.weight_ih.T + self.bias_ih + self.bias_hh + everyone @ self.weight_hh.T
            i, f, g, o = gates.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            return torch.sigmoid(o) * torch.tanh(c), c

    class MultiView(nn.Module):
        """One cell per modality over the padded batch; a sequence's state stops
        changing after its own length."""

        def __init__(self):
            super().__init__()
            self.cells = nn.ModuleList([MultiViewCell(w) for w in widths])
            self.head = nn.Linear(hidden * views, 1)

        def forward(self, xs, lengths):
            batch, steps = xs[0].shape[:2]
            hs = [torch.zeros(batch, hidden) for _ in self.cells]
            cs = [torch.zeros(batch, hidden) for _ in self.cells]
            for t in range(steps):
                alive = (t < lengths)[:, None]
                everyone = torch.cat(hs, 1)
                new = [cell(x[:, t], everyone, c) for cell, x, c in zip(self.cells, xs, cs)]
                hs = [torch.where(alive, h2, h) for (h2, _), h in zip(new, hs)]
                cs = [torch.where(alive, c2, c) for (_, c2), c in zip(new, cs)]
            return self.head(torch.cat(hs, 1))[:, 0]

    model = MultiView() if method == "MultiView" else Lstms()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
    model.eval()
    with torch.no_grad():
        p = model([torch.from_numpy(x) for x in xs], torch.from_numpy(lengths))
    return p.numpy()


def scores(p, y):
    """models::toymosi::sentiment_scores' Acc-2 and MAE: p as f64, 0 counts as non-negative."""
    p = p.astype(np.float64)
    return float(np.mean((p >= 0) == (y >= 0))), float(np.mean(np.abs(p - y)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=pathlib.Path, help="the folder --save DIR wrote")
    parser.add_argument("--numpy-only", action="store_true", help="do not use PyTorch even if it is installed")
    args = parser.parse_args()
    paths = sorted(args.dir.glob("*.safetensors"))
    if not paths:
        fail(f"{args.dir} holds no .safetensors checkpoints: run the chapter with --save {args.dir} first")
    torch = None
    if not args.numpy_only:
        try:
            import torch
        except ImportError:
            print("(PyTorch is not installed: numpy only)")
    ok = True
    for path in paths:
        with safe_open(str(path), "np") as f:
            meta = f.metadata() or {}
        state = load_file(str(path))
        arch = metadata_json(path, meta, "architecture")
        pre = metadata_json(path, meta, "preprocessing")
        data = metadata_json(path, meta, "data")
        saved_p = np.array(metadata_json(path, meta, "test_predictions"), dtype=np.float64)
        saved_acc2, saved_mae = metadata_json(path, meta, "test_acc2"), metadata_json(path, meta, "test_mae")
        raw, lengths, labels = raw_split(path.parent / data["folder"], data["split"], pre["modalities"])
        if len(saved_p) != len(labels):
            fail(f"{path}: {len(saved_p)} saved predictions for {len(labels)} test utterances in the data")
        xs = standardise(raw, lengths, pre["mean"], pre["sd"])
        results = {"numpy": numpy_predict(arch, state, xs, lengths)}
        if torch is not None:
            results["torch (load_state_dict strict=True)"] = torch_predict(torch, arch, state, xs, lengths)
        print(f"{path.name}: {json.dumps(arch)}, saved test Acc-2 {saved_acc2!r}, MAE {saved_mae!r} "
              f"on {len(labels)} utterances")
        for name, p in results.items():
            acc2, mae = scores(p, labels)
            largest = float(np.max(np.abs(p.astype(np.float64) - saved_p)))
            good = acc2 == saved_acc2 and abs(mae - saved_mae) <= MAE_TOLERANCE
            ok &= good
            print(f"  {name}: Acc-2 {acc2!r}, MAE {mae!r} (MAE difference {abs(mae - saved_mae):.1e}); "
                  f"largest prediction difference {largest:.1e}{'' if good else '  <- DIFFERS'}")
    if not ok:
        fail(f"a reloaded model does not reproduce its saved Acc-2 (exactly) and MAE (within {MAE_TOLERANCE})")


if __name__ == "__main__":
    main()
