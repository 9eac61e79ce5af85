"""Load the fusion models that `cargo run --release -p ch04-shallow-fusion -- --save DIR`
wrote, outside Rust, and check they score on the test pairs what Rust measured when it
saved them.

    python3 chapters/ch04-shallow-fusion/load_checkpoint.py DIR [--data data]

DIR holds early_softmax.safetensors (nn.Linear(464, 10): weight, bias),
early_mlp.safetensors (nn.Sequential: 0.weight, ..., 2.bias) and late_fusion.safetensors
(image.*, audio.*: nn.Linear(64 or 400, 10); gate.*: nn.Linear(2, 1)). Every file's
metadata holds the preprocessing (the data variant; each pixel's and spectrogram cell's
training mean and standard deviation), and late fusion's also the statistics that
standardise the image noise sigma and the SNR for the gate.

Needs numpy and safetensors (pip install numpy safetensors). The forward passes are
numpy's; if PyTorch is installed, each file is also loaded into its torch.nn twin with
load_state_dict(strict=True) and scored there. A prediction may differ from Rust's where
the top two scores are closer than TIE (float32 sums taken in another order); such a
difference is reported, not failed. Exits non-zero if an accuracy differs otherwise.
"""
import argparse
import csv
import json
import pathlib
import struct
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

# Two scores closer than this are a float tie: float32 sums in another order move them by
# about 1e-6 here.
TIE = 1e-4

FILES = {"noisy": ("digits_noisy.csv", "spoken_digits.u8"), "clean": ("digits.csv", "spoken_digits_clean.u8")}


def load_av(data, variant):
    """Raw pixels in [0, 1] and noise sigma (by image id), spectrograms in [0, 1] and SNR
    (by pair), labels, and the train / test image ids, as models/src/data/av.rs reads them."""
    image_file, audio_file = FILES[variant]
    with open(data / image_file) as f:
        rows = list(csv.DictReader(f))
    images = np.array([[int(r[f"p{p}"]) for p in range(64)] for r in rows], dtype=np.float32) / np.float32(16.0)
    labels = np.array([int(r["label"]) for r in rows])
    sigma = np.array([float(r["sigma"]) if variant == "noisy" else 0.0 for r in rows], dtype=np.float32)
    raw = (data / audio_file).read_bytes()
    magic, version, n, bands, frames, _ = struct.unpack("<4sIIIIf", raw[:24])
    if magic != b"SPDG" or version != 1 or len(raw) != 24 + n * bands * frames:
        sys.exit(f"{data / audio_file}: not a version-1 SPDG spectrogram file of the size its header promises")
    spectrograms = np.frombuffer(raw[24:], dtype=np.uint8).reshape(n, bands * frames).astype(np.float32)
    spectrograms /= np.float32(255.0)
    with open(data / "spoken_digits_meta.csv") as f:
        snr_by_utterance = [float(r["snr_db"]) for r in csv.DictReader(f)]
    with open(data / "pairs.csv") as f:
        pairs = list(csv.DictReader(f))
    audio_ids = [int(p["audio_id"]) for p in pairs]
    audio = spectrograms[audio_ids]
    snr = np.array([snr_by_utterance[a] if variant == "noisy" else np.inf for a in audio_ids], dtype=np.float32)
    train = [int(p["image_id"]) for p in pairs if p["split"] == "train"]
    test = [int(p["image_id"]) for p in pairs if p["split"] == "test"]
    return images, audio, labels, sigma, snr, train, test


def standardised(path, data):
    """The AV digits standardised with the statistics saved in `path`'s metadata."""
    with safe_open(str(path), "np") as f:
        meta = f.metadata()
    pre = json.loads(meta["preprocessing"])
    images, audio, labels, sigma, snr, train, test = load_av(data, pre["variant"])
    f32 = lambda key: np.array(pre[key], dtype=np.float32)  # noqa: E731
    images = (images - f32("image_mean")) / f32("image_std")
    audio = (audio - f32("audio_mean")) / f32("audio_std")
    return meta, images, audio, labels, sigma, snr, test


def linear(state, prefix, x):
    """nn.Linear: x @ weight.T + bias, weight (out, in)."""
    name = lambda part: f"{prefix}.{part}" if prefix else part  # noqa: E731
    return x @ state[name("weight")].T + state[name("bias")]


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class Checker:
    """Compares accuracies with the saved ones, allowing for float ties."""

    def __init__(self):
        self.failed = []

    def check(self, what, scores, labels, saved):
        scores = np.asarray(scores, dtype=np.float64)
        accuracy = float(np.mean(scores.argmax(axis=1) == labels))
        top2 = np.sort(scores, axis=1)[:, -2:]
        ties = int(np.sum(top2[:, 1] - top2[:, 0] < TIE))
        off = round(abs(accuracy - saved) * len(labels))
        if accuracy == saved:
            verdict = "same"
        elif off <= ties:
            verdict = f"differs by {off} prediction(s) at float ties ({ties} rows within {TIE})"
        else:
            verdict = "DIFFERS"
            self.failed.append(what)
        print(f"  {what}: {accuracy!r} (saved: {saved!r}) {verdict}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=pathlib.Path)
    parser.add_argument("--data", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parents[2] / "data")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    check = Checker()

    # Early fusion: softmax regression and the one-hidden-layer MLP on [image | audio].
    for file, name in [("early_softmax.safetensors", "softmax regression"), ("early_mlp.safetensors", "MLP")]:
        path = args.dir / file
        meta, images, audio, labels, _, _, test = standardised(path, args.data)
        state = load_file(str(path))
        saved = json.loads(meta["measured"])["test_accuracy"]
        x, y = np.concatenate([images[test], audio[test]], axis=1), labels[test]
        print(f"{path}: {meta['pytorch']}")
        if name == "MLP":
            scores = linear(state, "2", np.maximum(linear(state, "0", x), 0.0))
        else:
            scores = linear(state, "", x)
        check.check(f"numpy {name}", scores, y, saved)
        if torch is not None:
            nn = torch.nn
            widths = json.loads(meta["architecture"]).get("widths")
            model = (nn.Sequential(nn.Linear(widths[0], widths[1]), nn.ReLU(), nn.Linear(widths[1], widths[2]))
                     if widths else nn.Linear(x.shape[1], 10))
            model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
            with torch.no_grad():
                check.check(f"torch {name}", model(torch.from_numpy(x)).numpy(), y, saved)

    # Late fusion: a softmax regression per modality, combined by the reliability gate.
    path = args.dir / "late_fusion.safetensors"
    meta, images, audio, labels, sigma, snr, test = standardised(path, args.data)
    state = load_file(str(path))
    saved = json.loads(meta["measured"])
    stats = json.loads(meta["reliability"])
    y = labels[test]
    with np.errstate(invalid="ignore"):
        features = np.stack([
            (sigma[test] - np.float32(stats["sigma_mean"])) / np.float32(stats["sigma_std"]),
            (snr[test] - np.float32(stats["snr_mean"])) / np.float32(stats["snr_std"]),
        ], axis=1)
    features = np.where(np.isfinite(features), features, np.float32(0.0))  # the clean files' infinite SNR
    print(f"{path}: {meta['pytorch']}")

    def fused(p_image, p_audio, gate_logit):
        log_i, log_a = np.log(np.maximum(p_image, 1e-12)), np.log(np.maximum(p_audio, 1e-12))
        w = sigmoid(gate_logit)
        return w * log_i + (1.0 - w) * log_a, log_i + log_a, p_image + p_audio

    p_image = softmax(linear(state, "image", images[test]))
    p_audio = softmax(linear(state, "audio", audio[test]))
    weighted, product, averaged = fused(p_image, p_audio, linear(state, "gate", features))
    check.check("numpy late fusion, averaged", averaged, y, saved["averaged"])
    check.check("numpy late fusion, product", product, y, saved["product"])
    check.check("numpy late fusion, reliability-weighted", weighted, y, saved["weighted"])
    if torch is not None:
        nn = torch.nn

        class LateFusion(nn.Module):
            def __init__(self):
                super().__init__()
                self.image, self.audio, self.gate = nn.Linear(64, 10), nn.Linear(audio.shape[1], 10), nn.Linear(2, 1)

            def forward(self, x_image, x_audio, reliability):
                log_i = self.image(x_image).softmax(1).clamp_min(1e-12).log()
                log_a = self.audio(x_audio).softmax(1).clamp_min(1e-12).log()
                w = torch.sigmoid(self.gate(reliability))
                return w * log_i + (1 - w) * log_a

        model = LateFusion()
        model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
        with torch.no_grad():
            scores = model(*(torch.from_numpy(a) for a in (images[test], audio[test], features))).numpy()
        check.check("torch late fusion, reliability-weighted", scores, y, saved["weighted"])

    if check.failed:
        print(f"these accuracies differ from the saved ones: {check.failed}", file=sys.stderr)
        sys.exit(1)
    print("every accuracy as saved" + ("" if torch is not None else " (PyTorch not installed: numpy only)"))


if __name__ == "__main__":
    main()
