"""Load the representations that `cargo run --release -p ch03-joint-coordinated --
--save DIR` wrote, outside Rust, and check they score on the test pairs what Rust
measured when it saved them.

    python3 chapters/ch03-joint-coordinated/load_checkpoint.py DIR [--data data]

DIR holds joint.safetensors (nn.Sequential names), coordinated.safetensors (image.*,
audio.*, image_head.*, audio_head.*), cca.safetensors (float64: cca.x_mean,
cca.x_rotations, cca.y_mean, cca.y_rotations, cca.correlations) and beside each
NAME_probes.safetensors (nn.ModuleDict of nn.Linear probes). Every file's metadata holds
the preprocessing (the data variant; each pixel's and spectrogram cell's training mean and
standard deviation) and the report entry Rust measured.

Needs numpy and safetensors (pip install numpy safetensors). The forward passes are
numpy's; if PyTorch is installed, the joint and coordinated models and every probe set are
also loaded into their torch.nn twins with load_state_dict(strict=True) and scored there.
Checks the classifiers' and probes' test accuracies (not the retrieval numbers, whose
rankings float ties can reorder). A prediction may differ from Rust's where the top two
logits are closer than TIE (float32 sums taken in another order); such a difference is
reported, not failed. Exits non-zero if an accuracy differs otherwise.
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

# Two logits closer than this are a float tie: float32 sums in another order move them
# by about 1e-6 here.
TIE = 1e-4

FILES = {"noisy": ("digits_noisy.csv", "spoken_digits.u8"), "clean": ("digits.csv", "spoken_digits_clean.u8")}


def load_av(data, variant):
    """Raw pixels in [0, 1] (by image id), spectrograms in [0, 1] (by pair), labels, and
    the train / test image ids, as models/src/data/av.rs reads them."""
    image_file, audio_file = FILES[variant]
    with open(data / image_file) as f:
        rows = list(csv.DictReader(f))
    images = np.array([[int(r[f"p{p}"]) for p in range(64)] for r in rows], dtype=np.float32) / np.float32(16.0)
    labels = np.array([int(r["label"]) for r in rows])
    raw = (data / audio_file).read_bytes()
    magic, version, n, bands, frames, _ = struct.unpack("<4sIIIIf", raw[:24])
    if magic != b"SPDG" or version != 1 or len(raw) != 24 + n * bands * frames:
        sys.exit(f"{data / audio_file}: not a version-1 SPDG spectrogram file of the size its header promises")
    spectrograms = np.frombuffer(raw[24:], dtype=np.uint8).reshape(n, bands * frames).astype(np.float32)
    spectrograms /= np.float32(255.0)
    with open(data / "pairs.csv") as f:
        pairs = list(csv.DictReader(f))
    audio = spectrograms[[int(p["audio_id"]) for p in pairs]]
    train = [int(p["image_id"]) for p in pairs if p["split"] == "train"]
    test = [int(p["image_id"]) for p in pairs if p["split"] == "test"]
    return images, audio, labels, train, test


def standardised(path, data):
    """The AV digits standardised with the statistics saved in `path`'s metadata."""
    with safe_open(str(path), "np") as f:
        meta = f.metadata()
    pre = json.loads(meta["preprocessing"])
    images, audio, labels, train, test = load_av(data, pre["variant"])
    f32 = lambda key: np.array(pre[key], dtype=np.float32)  # noqa: E731
    images = (images - f32("image_mean")) / f32("image_std")
    audio = (audio - f32("audio_mean")) / f32("audio_std")
    return meta, images, audio, labels, train, test


def linear(state, prefix, x):
    """nn.Linear: x @ weight.T + bias, weight (out, in)."""
    return x @ state[f"{prefix}.weight"].T + state[f"{prefix}.bias"]


def sequential(state, prefix, x):
    """nn.Sequential(Linear, ReLU, Linear, ...): layer i is module 2i."""
    layers = sorted({int(k[len(prefix):].split(".")[0]) for k in state if k.startswith(prefix)})
    for k, i in enumerate(layers):
        x = linear(state, f"{prefix}{i}", x)
        if k + 1 < len(layers):
            x = np.maximum(x, 0.0)
    return x


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def unit_rows(z):
    return z / np.sqrt((z * z).sum(axis=1, keepdims=True) + np.float32(1e-8))


class Checker:
    """Compares accuracies with the saved ones, allowing for float ties."""

    def __init__(self):
        self.failed = []

    def check(self, what, scores, labels, saved):
        """`scores` (n, classes); fails unless its accuracy is `saved`, or within the
        number of rows whose top two scores are closer than TIE."""
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

    # The joint classifier: [image | audio] -> ... -> 10 logits; a missing modality as zeros.
    meta, images, audio, labels, train, test = standardised(args.dir / "joint.safetensors", args.data)
    state = load_file(str(args.dir / "joint.safetensors"))
    probes = load_file(str(args.dir / "joint_probes.safetensors"))
    saved = json.loads(meta["report"])
    xi, xa, y = images[test], audio[test], labels[test]
    inputs = {
        "both": np.concatenate([xi, xa], axis=1),
        "image_only": np.concatenate([xi, np.zeros_like(xa)], axis=1),
        "audio_only": np.concatenate([np.zeros_like(xi), xa], axis=1),
    }
    print(f"{args.dir / 'joint.safetensors'}: {json.loads(meta['architecture'])['widths']}")
    for present, x in inputs.items():
        check.check(f"numpy joint, {present}", sequential(state, "", x), y, saved[present])
    code = lambda x: np.maximum(sequential({k: v for k, v in state.items() if not k.startswith("4.")}, "", x), 0.0)  # noqa: E731
    for probe, present, key in [("probe_image", "image_only", "probe_image"), ("probe_audio", "audio_only", "probe_audio"),
                                ("probe_audio", "image_only", "transfer_audio_to_image"),
                                ("probe_image", "audio_only", "transfer_image_to_audio")]:
        check.check(f"numpy joint {probe} on {present} codes", linear(probes, probe, code(inputs[present])), y,
                    saved["measured"][key])
    check.check("numpy joint probe_both", linear(probes, "probe_both", code(inputs["both"])), y, saved["probe_both"])
    if torch is not None:
        nn = torch.nn
        widths = json.loads(meta["architecture"])["widths"]
        layers = []
        for i in range(len(widths) - 1):
            layers += [nn.Linear(widths[i], widths[i + 1])] + ([nn.ReLU()] if i + 2 < len(widths) else [])
        model = nn.Sequential(*layers)
        model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
        dims = {k[: -len(".weight")]: v.shape[1] for k, v in probes.items() if k.endswith(".weight")}
        probe_set = nn.ModuleDict({k: nn.Linear(d, 10) for k, d in dims.items()})
        probe_set.load_state_dict({k: torch.from_numpy(v) for k, v in probes.items()}, strict=True)
        with torch.no_grad():
            for present, x in inputs.items():
                check.check(f"torch joint, {present}", model(torch.from_numpy(x)).numpy(), y, saved[present])
            both_code = model[:4](torch.from_numpy(inputs["both"]))
            check.check("torch joint probe_both", probe_set["probe_both"](both_code).numpy(), y, saved["probe_both"])

    # The coordinated model: an encoder and a classifier per modality.
    path = args.dir / "coordinated.safetensors"
    meta, images, audio, labels, train, test = standardised(path, args.data)
    state = load_file(str(path))
    probes = load_file(str(args.dir / "coordinated_probes.safetensors"))
    saved = json.loads(meta["report"])
    xi, xa, y = images[test], audio[test], labels[test]
    arch = json.loads(meta["architecture"])
    print(f"{path}: {arch['alignment']} loss, lambda = {arch['lambda']}")
    u, v = sequential(state, "image.", xi), sequential(state, "audio.", xa)
    pi, pa = softmax(linear(state, "image_head", u)), softmax(linear(state, "audio_head", v))
    check.check("numpy coordinated, image head", pi, y, saved["image_head_accuracy"])
    check.check("numpy coordinated, audio head", pa, y, saved["audio_head_accuracy"])
    check.check("numpy coordinated, both heads", pi + pa, y, saved["both_heads_accuracy"])
    m = saved["measured"]
    check.check("numpy coordinated, probe on image codes", linear(probes, "probe_image", unit_rows(u)), y, m["probe_image"])
    check.check("numpy coordinated, probe on audio codes", linear(probes, "probe_audio", unit_rows(v)), y, m["probe_audio"])
    check.check("numpy coordinated, transfer a->i", linear(probes, "probe_audio", unit_rows(u)), y, m["transfer_audio_to_image"])
    check.check("numpy coordinated, transfer i->a", linear(probes, "probe_image", unit_rows(v)), y, m["transfer_image_to_audio"])
    if torch is not None:
        nn = torch.nn

        def encoder(widths):
            return nn.Sequential(nn.Linear(widths[0], widths[1]), nn.ReLU(), nn.Linear(widths[1], widths[2]))

        class Coordinated(nn.Module):
            def __init__(self):
                super().__init__()
                self.image, self.audio = encoder(arch["image_widths"]), encoder(arch["audio_widths"])
                self.image_head = nn.Linear(arch["image_widths"][-1], 10)
                self.audio_head = nn.Linear(arch["audio_widths"][-1], 10)

            def forward(self, x_image, x_audio):
                return (self.image_head(self.image(x_image)).softmax(1) + self.audio_head(self.audio(x_audio)).softmax(1))

        model = Coordinated()
        model.load_state_dict({k: torch.from_numpy(t) for k, t in state.items()}, strict=True)
        with torch.no_grad():
            fused = model(torch.from_numpy(xi), torch.from_numpy(xa)).numpy()
        check.check("torch coordinated, both heads", fused, y, saved["both_heads_accuracy"])

    # CCA, in float64; its probes read float32 codes.
    path = args.dir / "cca.safetensors"
    meta, images, audio, labels, train, test = standardised(path, args.data)
    cca = load_file(str(path))
    probes = load_file(str(args.dir / "cca_probes.safetensors"))
    saved = json.loads(meta["report"])
    y = labels[test]
    print(f"{path}: {saved['dims']} directions (and the first {saved['few_dims']})")
    for k, prefix, key in [(saved["dims"], "", "measured"), (saved["few_dims"], "few_", "few")]:
        ci = ((images[test].astype(np.float64) - cca["cca.x_mean"]) @ cca["cca.x_rotations"][:, :k]).astype(np.float32)
        ca = ((audio[test].astype(np.float64) - cca["cca.y_mean"]) @ cca["cca.y_rotations"][:, :k]).astype(np.float32)
        m = saved[key]
        check.check(f"numpy CCA-{k} probe on image codes", linear(probes, f"{prefix}probe_image", ci), y, m["probe_image"])
        check.check(f"numpy CCA-{k} probe on audio codes", linear(probes, f"{prefix}probe_audio", ca), y, m["probe_audio"])
        check.check(f"numpy CCA-{k} transfer a->i", linear(probes, f"{prefix}probe_audio", ci), y, m["transfer_audio_to_image"])
        check.check(f"numpy CCA-{k} transfer i->a", linear(probes, f"{prefix}probe_image", ca), y, m["transfer_image_to_audio"])

    if check.failed:
        print(f"these accuracies differ from the saved ones: {check.failed}", file=sys.stderr)
        sys.exit(1)
    print("every accuracy as saved" + ("" if torch is not None else " (PyTorch not installed: numpy only)"))


if __name__ == "__main__":
    main()
