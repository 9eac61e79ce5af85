"""Load the models that `cargo run --release -p ch05-autoencoders -- --save DIR` wrote,
outside Rust, compute the bimodal autoencoder's shared code in numpy, and check that the
models score on the test pairs what they scored when saved.

    python3 chapters/ch05-autoencoders/load_checkpoint.py DIR [--data data]

Needs numpy and safetensors (pip install numpy safetensors). Reads DIR/bimodal.safetensors,
DIR/autoencoder_image.safetensors, DIR/autoencoder_audio.safetensors and
DIR/probes.safetensors, and the AV digits in --data (the variant named in the metadata),
standardised with the saved statistics (checked against the data's own). If PyTorch is
installed, the bimodal autoencoder is also built as a torch.nn.Module, loaded with
load_state_dict(strict=True) and scored there.

numpy does not add up in the order Rust's kernels do, so values agree to about 1e-6, not
bit for bit: an accuracy may differ only by test pairs whose two best classes are within
1e-4 of each other (reported, not failed), and the reconstruction error must agree to a
relative 1e-5. Exits non-zero otherwise.
"""
import argparse
import csv
import json
import pathlib
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

TIE = 1e-4
MSE_TOLERANCE = 1e-5


def read(path):
    """A checkpoint's tensors and metadata."""
    with safe_open(str(path), "np") as f:
        meta = f.metadata()
    return load_file(str(path)), meta


def av_digits(data, variant):
    """Every pair's image (64 pixels / 16) and utterance (cells / 255), labels and split."""
    image_file, audio_file = {"noisy": ("digits_noisy.csv", "spoken_digits.u8"),
                              "clean": ("digits.csv", "spoken_digits_clean.u8")}[variant]
    with open(data / image_file) as f:
        rows = list(csv.reader(f))[1:]
    images = np.array([[int(v) for v in r[1:65]] for r in rows], dtype=np.float32) / 16.0
    raw = (data / audio_file).read_bytes()
    if raw[:4] != b"SPDG":
        sys.exit(f"{data / audio_file}: not a spectrogram file (no SPDG magic)")
    n, bands, frames = (int.from_bytes(raw[at:at + 4], "little") for at in (8, 12, 16))
    cells = np.frombuffer(raw[24:24 + n * bands * frames], dtype=np.uint8).reshape(n, bands * frames)
    with open(data / "pairs.csv") as f:
        pairs = list(csv.DictReader(f))
    image = images[[int(p["image_id"]) for p in pairs]]
    audio = cells[[int(p["audio_id"]) for p in pairs]].astype(np.float32) / 255.0
    labels = np.array([int(p["label"]) for p in pairs])
    train = np.array([p["split"] == "train" for p in pairs])
    return image, audio, labels, train


def statistics(x, train):
    """Each column's mean and population standard deviation over the training rows (1 for 0)."""
    rows = x[train].astype(np.float64)
    mean = rows.mean(axis=0)
    std = np.sqrt(np.maximum((rows ** 2).mean(axis=0) - mean ** 2, 0.0))
    return mean, np.where(std ** 2 > 1e-12, std, 1.0)


def linear(state, name, x):
    """nn.Linear: x W.T + b, W stored (out, in)."""
    return x @ state[f"{name}.weight"].T.astype(np.float64) + state[f"{name}.bias"]


def sequential(state, prefix, x):
    """nn.Sequential(Linear, ReLU, Linear): modules 0 and 2."""
    return linear(state, f"{prefix}.2", np.maximum(linear(state, f"{prefix}.0", x), 0.0))


def shared_code(state, image, audio):
    """The bimodal autoencoder's joint representation: tanh(shared(cat(relu(enc_i), relu(enc_a))))."""
    hi = np.maximum(sequential(state, "encoder_image", image), 0.0)
    ha = np.maximum(sequential(state, "encoder_audio", audio), 0.0)
    return np.tanh(linear(state, "shared", np.concatenate([hi, ha], axis=1)))


def rebuilt_image(state, code):
    """The image decoder's output from a shared code (the first half of unshared's output)."""
    h = np.maximum(linear(state, "unshared", code), 0.0)
    return sequential(state, "decoder_image", h[:, : h.shape[1] // 2])


def accuracy(probes, name, x, y):
    """A probe's test accuracy, and how many pairs have their two best classes within TIE."""
    logits = linear(probes, name, x)
    top2 = np.sort(logits, axis=1)[:, -2:]
    return float(np.mean(logits.argmax(axis=1) == y)), int(np.sum(top2[:, 1] - top2[:, 0] < TIE))


def torch_codes(state, meta, image, audio):
    """The same shared code from a torch.nn.Module loaded with strict=True, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    nn = torch.nn
    arch = json.loads(meta["architecture"])
    i, a, h, m, c = arch["image"], arch["audio"], arch["hidden"], arch["middle"], arch["code"]

    class BimodalAutoencoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder_image = nn.Sequential(nn.Linear(i, h), nn.ReLU(), nn.Linear(h, m))
            self.encoder_audio = nn.Sequential(nn.Linear(a, h), nn.ReLU(), nn.Linear(h, m))
            self.shared = nn.Linear(2 * m, c)
            self.unshared = nn.Linear(c, 2 * m)
            self.decoder_image = nn.Sequential(nn.Linear(m, h), nn.ReLU(), nn.Linear(h, i))
            self.decoder_audio = nn.Sequential(nn.Linear(m, h), nn.ReLU(), nn.Linear(h, a))

        def forward(self, image, audio):
            both = torch.cat([torch.relu(self.encoder_image(image)), torch.relu(self.encoder_audio(audio))], 1)
            return torch.tanh(self.shared(both))

    model = BimodalAutoencoder()
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in state.items()}, strict=True)
    with torch.no_grad():
        return model(torch.from_numpy(image), torch.from_numpy(audio)).double().numpy()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=pathlib.Path)
    parser.add_argument("--data", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parents[2] / "data")
    args = parser.parse_args()
    failures = []
    probes, _ = read(args.dir / "probes.safetensors")
    path = args.dir / "bimodal.safetensors"
    state, meta = read(path)
    pre = json.loads(meta["preprocessing"])
    image, audio, labels, train = av_digits(args.data, pre["variant"])
    for what, x in (("image", image), ("audio", audio)):
        mean, std = statistics(x, train)
        if not (np.allclose(mean, pre[f"{what}_mean"], atol=1e-5) and np.allclose(std, pre[f"{what}_std"], atol=1e-5)):
            sys.exit(f"{path}: the {what} statistics of {args.data} differ from the saved ones: "
                     "give --data the data the model was trained on")
    test = ~train
    zi = ((image - np.float32(pre["image_mean"])) / np.float32(pre["image_std"]))[test]
    za = ((audio - np.float32(pre["audio_mean"])) / np.float32(pre["audio_std"]))[test]
    y = labels[test]
    saved = json.loads(meta["test_scores"])
    zeros_i, zeros_a = np.zeros_like(zi), np.zeros_like(za)
    codes = {"both": shared_code(state, zi, za), "image": shared_code(state, zi, zeros_a),
             "audio": shared_code(state, zeros_i, za)}
    rows = [("fusion", "bimodal.both", "both"), ("image_only", "bimodal.image_only", "image"),
            ("audio_only", "bimodal.audio_only", "audio"), ("audio_to_image", "bimodal.audio_only", "image"),
            ("image_to_audio", "bimodal.image_only", "audio")]

    def check_accuracy(label, name, probe, x, target):
        got, ties = accuracy(probes, probe, x, y)
        off = round(abs(got - target) * len(y))
        note = "" if off == 0 else f"  ({off} pair(s) differ; {ties} near-tie(s) within {TIE})"
        print(f"  {label}{name}: {got!r} (saved {target!r}){note}")
        if off > ties:
            failures.append(f"{label}{name}")

    print(f"{path}: the shared code in numpy, {len(y)} test pairs")
    for name, probe, which in rows:
        check_accuracy("", name, probe, codes[which], saved[name])
    mse = float(np.mean((rebuilt_image(state, codes["audio"]) - zi) ** 2))
    print(f"  image_from_audio_mse: {mse!r} (saved {saved['image_from_audio_mse']!r})")
    if abs(mse - saved["image_from_audio_mse"]) > MSE_TOLERANCE * abs(saved["image_from_audio_mse"]):
        failures.append("image_from_audio_mse")
    torch_both = torch_codes(state, meta, zi, za)
    if torch_both is None:
        print("  PyTorch is not installed: the torch.nn.Module check was skipped")
    else:
        print(f"  torch (load_state_dict strict=True): largest difference from numpy's code "
              f"{float(np.max(np.abs(torch_both - codes['both']))):.2e}")
        check_accuracy("torch ", "fusion", "bimodal.both", torch_both, saved["fusion"])
    for modality, z in (("image", zi), ("audio", za)):
        path = args.dir / f"autoencoder_{modality}.safetensors"
        ae, meta = read(path)
        saved = json.loads(meta["test_scores"])
        code = np.tanh(linear(ae, "encoder", z))
        mse = float(np.mean((linear(ae, "decoder", code) - z) ** 2))
        print(f"{path}:")
        print(f"  test_mse: {mse!r} (saved {saved['test_mse']!r})")
        if abs(mse - saved["test_mse"]) > MSE_TOLERANCE * abs(saved["test_mse"]):
            failures.append(f"{modality} test_mse")
        check_accuracy("", "probe", f"autoencoder_{modality}", code, saved["probe"])
    if failures:
        print(f"not reproduced: {', '.join(failures)}", file=sys.stderr)
        sys.exit(1)
    print("numpy: every score as saved")


if __name__ == "__main__":
    main()
