"""Load the captioner that `cargo run --release -p ch10-captioning -- --save DIR` wrote,
outside Rust, caption the test images greedily, and check the captions are the ones the
Rust captioner wrote when it was saved.

    python3 chapters/ch10-captioning/load_checkpoint.py DIR

DIR holds captioner.safetensors (weights with PyTorch's names and layouts; every size,
the vocabulary, the decoding rule, the preprocessing, the test BLEU-4 and the Rust greedy
captions in its metadata), test_images.npy (the test images exactly as the model reads
them, float32 N x 3 x 32 x 32) and test_references.json (their reference captions).

Needs numpy and safetensors (pip install numpy safetensors). The forward pass is numpy's,
written out from the Rust one (models/src/captioner); if PyTorch is installed, the same
file is also loaded into the equivalent torch.nn.Module with load_state_dict(strict=True)
and decoded there. Prints, for each, the share of test captions identical to Rust's and
corpus BLEU-4 (computed as models/src/scenes/bleu.rs does) of its captions and of
Rust's; exits non-zero if Rust's BLEU-4 recomputed here is not the one stored in the
checkpoint, or if a caption differs from Rust's other than at a float tie: a step where
the two words' log-probabilities are closer than TIE, which float32 sums taken in another
order can swap (a caption differing there is reported, not failed).
"""
import argparse
import json
import math
import pathlib
import sys
from collections import Counter

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

# Two words whose log-probabilities are closer than this are a float tie: float32 sums
# taken in another order (numpy's BLAS, PyTorch's, the Rust engine's) move a
# log-probability by up to about 1e-5 here (measured against the same model in float64).
TIE = 1e-4

# ---------------------------------------------------------------- corpus BLEU (SPEC 8.1)


def ngram_counts(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu4(candidates, references):
    """BLEU-4 as models/src/scenes/bleu.rs computes it: clipped n-gram counts summed over
    the corpus, p_n = 0 when there is no candidate n-gram (NLTK would count 1 in the
    denominator of a too-short candidate), the brevity penalty against the closest
    reference length (the shorter on a tie), no smoothing."""
    clipped, total = [0] * 4, [0] * 4
    c = r = 0
    for candidate, refs in zip(candidates, references, strict=True):
        for n in range(1, 5):
            ref_counts = [ngram_counts(ref, n) for ref in refs]
            for gram, count in ngram_counts(candidate, n).items():
                clipped[n - 1] += min(count, max(rc.get(gram, 0) for rc in ref_counts))
            total[n - 1] += max(len(candidate) + 1 - n, 0)
        c += len(candidate)
        r += min((len(ref) for ref in refs), key=lambda length: (abs(length - len(candidate)), length))
    precision = [0.0 if total[n] == 0 else clipped[n] / total[n] for n in range(4)]
    if c == 0:
        brevity = 0.0
    elif c > r:
        brevity = 1.0
    else:
        brevity = math.exp(1.0 - r / c)
    if 0.0 in precision:
        return 0.0
    return brevity * math.exp(sum(math.log(p) for p in precision) / 4)


def words_of(tokens, vocabulary, eos):
    """A caption's words: its tokens before the first <eos>, special tokens dropped."""
    words = []
    for t in tokens:
        if t == eos:
            break
        if t > eos:
            words.append(vocabulary[t])
    return words


# ---------------------------------------------------------------- the numpy captioner


def conv2d(x, weight, bias, padding):
    """Cross-correlation, weight (out, in, k, k) as nn.Conv2d's, stride 1."""
    n, c, h, w = x.shape
    out, _, k, _ = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh, ow = h + 2 * padding - k + 1, w + 2 * padding - k + 1
    # cols[n, (c, u, v), (i, j)] = xp[n, c, i + u, j + v], the rows in weight's order.
    cols = np.empty((n, c, k, k, oh, ow), dtype=x.dtype)
    for u in range(k):
        for v in range(k):
            cols[:, :, u, v] = xp[:, :, u:u + oh, v:v + ow]
    y = weight.reshape(out, c * k * k) @ cols.reshape(n, c * k * k, oh * ow)
    return (y + bias[:, None]).reshape(n, out, oh, ow)


def max_pool(x, k):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // k, k, w // k, k).max(axis=(3, 5))


def layer_norm(v, eps):
    centred = v - v.mean(axis=1, keepdims=True)
    return centred / np.sqrt((centred * centred).mean(axis=1, keepdims=True) + np.float32(eps))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def log_softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class NumpyCaptioner:
    """models::captioner::Captioner, in float32 numpy, from a state_dict."""

    def __init__(self, state, arch):
        self.s = state
        self.arch = arch

    def encode(self, images):
        s, a = self.s, self.arch
        x = images
        for k in range(len(a["conv_channels"])):
            x = conv2d(x, s[f"convs.{k}.weight"], s[f"convs.{k}.bias"], a["conv_padding"])
            x = max_pool(np.maximum(x, 0), a["pool"])
        cnn = x.reshape(x.shape[0], -1)
        assert cnn.shape[1] == a["cnn_out"], (cnn.shape, a["cnn_out"])
        hidden = np.maximum(cnn @ s["mlp_hidden.weight"].T + s["mlp_hidden.bias"], 0)
        z = hidden @ s["mlp_state.weight"].T + s["mlp_state.bias"]
        n = a["hidden"]
        return np.tanh(layer_norm(z[:, :n], a["layer_norm_eps"])), layer_norm(z[:, n:], a["layer_norm_eps"])

    def step(self, tokens, h, c):
        """One LSTM step (gates i, f, g, o; bias_ih + bias_hh) and the next word's
        log-probabilities."""
        s, n = self.s, self.arch["hidden"]
        x = s["embedding.weight"][tokens]
        gates = (x @ s["lstm.weight_ih_l0"].T + (s["lstm.bias_ih_l0"] + s["lstm.bias_hh_l0"])) + h @ s[
            "lstm.weight_hh_l0"
        ].T
        i, f = sigmoid(gates[:, :n]), sigmoid(gates[:, n:2 * n])
        g, o = np.tanh(gates[:, 2 * n:3 * n]), sigmoid(gates[:, 3 * n:])
        c = f * c + i * g
        h = o * np.tanh(c)
        return h, c, log_softmax(h @ s["readout.weight"].T + s["readout.bias"])


def greedy(step, state, batch, decoding):
    """Captioner::greedy: from <bos>, feed back the arg max (the first on a tie) until
    every caption has its <eos> or max_tokens tokens. Returns the captions and the
    smallest gap between the best and the second-best log-probability of any word
    chosen (how far the closest choice was from a tie)."""
    bos, eos = decoding["bos"], decoding["eos"]
    h, c = state
    captions = [[] for _ in range(batch)]
    last = np.full(batch, bos, dtype=np.int64)
    closest = math.inf
    for _ in range(decoding["max_tokens"]):
        h, c, log_probs = step(last, h, c)
        log_probs = np.asarray(log_probs)
        best = log_probs.argmax(axis=1)
        top2 = np.sort(log_probs, axis=1)[:, -2:]
        for b, caption in enumerate(captions):
            if not caption or caption[-1] != eos:
                last[b] = best[b]
                caption.append(int(best[b]))
                closest = min(closest, float(top2[b, 1] - top2[b, 0]))
        if all(cap[-1] == eos for cap in captions):
            break
    return captions, closest


# ---------------------------------------------------------------- the torch captioner


def torch_backend(state, arch):
    """The equivalent torch.nn.Module, loaded with strict=True: its encoder and decoding
    step on numpy inputs."""
    import torch
    from torch import nn

    torch.set_grad_enabled(False)

    class Captioner(nn.Module):
        def __init__(self):
            super().__init__()
            channels = [arch["image"][0]] + arch["conv_channels"]
            self.convs = nn.ModuleList(
                nn.Conv2d(channels[k], channels[k + 1], arch["conv_kernel"], padding=arch["conv_padding"])
                for k in range(len(arch["conv_channels"]))
            )
            self.mlp_hidden = nn.Linear(arch["cnn_out"], arch["mlp_hidden"])
            self.mlp_state = nn.Linear(arch["mlp_hidden"], 2 * arch["hidden"])
            self.embedding = nn.Embedding(arch["vocab"], arch["embed"])
            self.lstm = nn.LSTM(arch["embed"], arch["hidden"], batch_first=True)
            self.readout = nn.Linear(arch["hidden"], arch["vocab"])

        def encode(self, images):
            x = torch.from_numpy(images)
            for conv in self.convs:
                x = nn.functional.max_pool2d(torch.relu(conv(x)), arch["pool"])
            z = self.mlp_state(torch.relu(self.mlp_hidden(x.flatten(1))))
            n, eps = arch["hidden"], arch["layer_norm_eps"]
            h = torch.tanh(nn.functional.layer_norm(z[:, :n], (n,), eps=eps))
            return h, nn.functional.layer_norm(z[:, n:], (n,), eps=eps)

        def step(self, tokens, h, c):
            words = self.embedding(torch.as_tensor(tokens)).unsqueeze(1)
            out, (h, c) = self.lstm(words, (h.unsqueeze(0), c.unsqueeze(0)))
            return h[0], c[0], torch.log_softmax(self.readout(out[:, 0]), dim=1).numpy()

    model = Captioner()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
    model.eval()
    return model


def first_divergence(model, images, ours, rust, decoding):
    """For captions `ours` that differ from Rust's: feed the common prefix and return, at
    the first step where the two choose differently, how much more log-probability our
    model gives its own word than Rust's (0 would be an exact tie)."""
    h, c = model.encode(images)
    last = np.full(len(images), decoding["bos"], dtype=np.int64)
    gaps = [None] * len(images)
    for t in range(decoding["max_tokens"]):
        h, c, log_probs = model.step(last, h, c)
        for b in range(len(images)):
            if gaps[b] is None and ours[b][t] != rust[b][t]:
                gaps[b] = float(log_probs[b, ours[b][t]] - log_probs[b, rust[b][t]])
            last[b] = rust[b][t] if t < len(rust[b]) else decoding["eos"]
        if all(g is not None for g in gaps):
            break
    return gaps


# ---------------------------------------------------------------- the check


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=pathlib.Path, help="the folder --save DIR wrote")
    args = parser.parse_args()
    path = args.dir / "captioner.safetensors"
    for needed in (path, args.dir / "test_images.npy", args.dir / "test_references.json"):
        if not needed.is_file():
            sys.exit(f"{needed} does not exist: pass the folder that --save DIR wrote")
    with safe_open(str(path), "np") as f:
        meta = f.metadata()
    state = load_file(str(path))
    arch = json.loads(meta["architecture"])
    vocabulary = json.loads(meta["vocabulary"])
    decoding = json.loads(meta["greedy"])
    if decoding["max_tokens"] != int(meta["max_caption_length"]):
        sys.exit(f"{path}: the metadata's greedy rule and max_caption_length disagree")
    rust = json.loads(meta["test_captions"])
    saved_bleu4 = float(meta["test_bleu4"])
    images = np.load(args.dir / "test_images.npy")
    if images.dtype != np.float32 or images.shape[1:] != tuple(arch["image"]):
        sys.exit(f"test_images.npy is {images.dtype} {images.shape}; expected float32 (N, *{arch['image']})")
    with open(args.dir / "test_references.json") as f:
        references = [[ref.split(" ") for ref in refs] for refs in json.load(f)]
    if not (len(images) == len(references) == len(rust)):
        sys.exit(f"{len(images)} images, {len(references)} reference sets, {len(rust)} Rust captions")

    def bleu4(captions):
        return corpus_bleu4([words_of(c, vocabulary, decoding["eos"]) for c in captions], references)

    rust_bleu4 = bleu4(rust)
    models = {"numpy": NumpyCaptioner(state, arch)}
    try:
        import torch  # noqa: F401
    except ImportError:
        print("PyTorch is not installed: numpy only")
    else:
        models["torch (load_state_dict strict=True)"] = torch_backend(state, arch)

    n = len(rust)
    print(f"{path}: {sum(v.size for v in state.values())} numbers in {len(state)} tensors; {n} test images")
    print(f"  Rust's captions: test BLEU-4 {rust_bleu4!r} here, {saved_bleu4!r} stored in the checkpoint")
    failures = []
    if rust_bleu4 != saved_bleu4:
        failures.append("Rust's captions score a BLEU-4 here that is not the one stored in the checkpoint")
    for name, model in models.items():
        captions, closest = greedy(model.step, model.encode(images), n, decoding)
        same = sum(a == b for a, b in zip(captions, rust))
        print(f"  {name}: {same} of {n} captions identical to Rust's (share {same / n!r}), test BLEU-4 "
              f"{bleu4(captions)!r}; closest choice {closest:.2e} in log-probability from a tie")
        differ = [k for k in range(n) if captions[k] != rust[k]]
        if differ:
            gaps = first_divergence(model, images[differ], [captions[k] for k in differ],
                                    [rust[k] for k in differ], decoding)
            for k, gap in list(zip(differ, gaps))[:5]:
                said = " ".join(words_of(captions[k], vocabulary, decoding["eos"]))
                truth = " ".join(words_of(rust[k], vocabulary, decoding["eos"]))
                print(f"    image {k}: {said!r}, Rust: {truth!r}; the first different word is {gap:.2e} "
                      "more likely here than Rust's")
            ties = sum(gap < TIE for gap in gaps)
            print(f"    {ties} of {len(differ)} differences start at a float tie (closer than {TIE:g})")
            # A caption may only part from Rust's where two words tie within float error.
            if ties < len(differ):
                failures.append(f"{name}: {len(differ) - ties} captions differ from Rust's other than at a tie")
    if failures:
        sys.exit("the captioner outside Rust does not caption the test images as Rust did: " + "; ".join(failures))


if __name__ == "__main__":
    main()
