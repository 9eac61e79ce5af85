#!/usr/bin/env python3
"""Convert CMU-MOSI's word-aligned features from a public pickle into the folder the
fusion chapters (7, 8, 9 and 11) read with --data DIR.

    python3 chapters/ch07-supervised-fusion/convert_mosi.py PICKLE DIR

PICKLE is the layout MultiBench's affect loaders (datasets/affect/get_data.py) and the
Multimodal Transformer's (src/dataset.py) read: a dict with "train", "valid" and "test",
each a dict holding "text", "audio" and "vision" arrays of shape (N, T, d), "labels" of
shape (N, 1, 1), (N, 1) or (N,), and optionally "id". Needs numpy only.

A pickle can run code while it loads, so this one is read by a restricted unpickler that
builds numpy arrays, dtypes and plain containers (dicts, lists, tuples, strings, numbers)
and refuses anything else, naming what the file asked for.

What the conversion does, in order (each step is reported, and noted in the manifest):
  - lengths: public releases pad each utterance to T steps with all-zero rows, at the
    start (MultiBench, the Multimodal Transformer) or at the end. A step is padding when
    it is zero in every modality; the leading and trailing runs of such steps are
    padding, everything between is the utterance (a zero step inside it stays). An
    utterance with no non-zero step at all is dropped (MultiBench's drop_entry drops them
    too) and counted.
  - the real steps are moved to the front, the padding to the end: that is the layout.
  - NaN and infinite feature values (COVAREP's audio features hold -inf in many
    releases) are replaced by 0, as MultiBench and the Multimodal Transformer do for -inf,
    and counted per split and modality.
  - refused, with a message naming the split and field: a missing field, labels outside
    [-3, 3] or not finite, more than one label per utterance, modalities of different N
    or T (an unaligned release), widths that differ between splits, an empty split.
"""

import hashlib
import io
import json
import os
import pickle
import sys

import numpy as np

SPLITS = ("train", "valid", "test")
MODALITIES = ("text", "audio", "vision")

# What a pickle of numpy arrays in plain containers needs, across numpy 1 and 2 and
# pickle protocols 2 to 5; nothing else can be built.
ALLOWED = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
    ("_codecs", "encode"),  # how protocol 2 stores bytes
    ("collections", "OrderedDict"),
}


def count(k, noun):
    """ "1 label", "2 labels". """
    return f"{k} {noun}{'' if k == 1 else 's'}"


class Refused(Exception):
    """A pickle or a field this converter will not read; the message says why."""


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in ALLOWED:
            raise Refused(
                f"the pickle asks for {module}.{name}, which is not a numpy array, dtype or plain "
                "container: refusing to load it (a pickle can run code while it loads)"
            )
        if module.startswith("numpy.core") and hasattr(np, "_core"):
            module = module.replace("numpy.core", "numpy._core", 1)  # numpy 2's name
        return super().find_class(module, name)

    def persistent_load(self, pid):
        raise Refused(f"the pickle refers to an outside object ({pid!r}): refusing to load it")


def load(path):
    data = open(path, "rb").read()
    try:
        # latin1 reads the numpy arrays of pickles written by Python 2.
        obj = RestrictedUnpickler(io.BytesIO(data), encoding="latin1").load()
    except Refused:
        raise
    except Exception as e:  # a damaged or foreign file
        raise Refused(f"cannot read it as a pickle ({type(e).__name__}: {e})") from None
    return obj, hashlib.sha256(data).hexdigest()


def field(split, data, key):
    if not isinstance(data, dict) or key not in data:
        found = sorted(map(str, data)) if isinstance(data, dict) else type(data).__name__
        raise Refused(f'split "{split}" has no "{key}" (it holds {found}); expected {", ".join(MODALITIES)}, labels')
    return data[key]


def features(split, data, name):
    x = np.asarray(field(split, data, name))
    if x.dtype.kind not in "fiu" or x.ndim != 3:
        raise Refused(f"{split}/{name} is a {x.dtype} array of shape {x.shape}; expected numbers of shape (N, T, d)")
    return x.astype(np.float32)  # the layout's dtype


def labels_of(split, data, n):
    y = np.asarray(field(split, data, "labels"))
    if y.dtype.kind not in "fiu" or y.size != n or y.shape[0] != n:
        raise Refused(
            f"{split}/labels has shape {y.shape} and dtype {y.dtype}; expected one sentiment score per "
            f"utterance: ({n},), ({n}, 1) or ({n}, 1, 1)"
        )
    y = y.reshape(n).astype(np.float64)
    bad = np.flatnonzero(~(np.abs(y) <= 3.0))
    if bad.size:
        raise Refused(
            f"{split}/labels: {count(bad.size, 'label')} outside [-3, 3] or not finite (utterance {bad[0]}: {y[bad[0]]}); "
            "CMU-MOSI's sentiment runs from -3 to 3"
        )
    return y


def id_text(row):
    """One id as one line of text: a row of several parts (the Multimodal Transformer's
    MOSI ids are rows of byte strings) joined by "_", whitespace replaced by "_"."""
    parts = row.tolist() if isinstance(row, np.ndarray) else row
    parts = list(parts) if isinstance(parts, (list, tuple)) else [parts]
    words = [p.decode("utf-8", "replace") if isinstance(p, bytes) else str(p) for p in parts]
    return "_".join("_".join(w.split()) for w in words if w.strip()) or "?"


def ids_of(split, data, n):
    if not isinstance(data, dict) or "id" not in data:
        return [f"{split}_{i}" for i in range(n)]
    ids = data["id"]
    ids = list(ids) if not isinstance(ids, np.ndarray) or ids.ndim > 0 else []
    if len(ids) != n:
        raise Refused(f"{split}/id holds {len(ids)} ids for {n} utterances")
    return [id_text(i) for i in ids]


def convert_split(split, data, notes):
    xs = {m: features(split, data, m) for m in MODALITIES}
    n, steps = xs["text"].shape[:2]
    for m, x in xs.items():
        if x.shape[:2] != (n, steps):
            raise Refused(
                f"{split}/{m} has shape {x.shape} but {split}/text {xs['text'].shape}: the chapters read "
                "word-aligned features, one step per word in every modality (use the aligned release)"
            )
    if n == 0:
        raise Refused(f'split "{split}" has no utterances')
    y = labels_of(split, data, n)
    ids = ids_of(split, data, n)
    # A step is real when any modality has a non-zero (or non-finite) value there.
    real = np.zeros((n, steps), dtype=bool)
    for x in xs.values():
        real |= np.any(x != 0, axis=2)
    keep = real.any(axis=1)
    first = real.argmax(axis=1)
    last = steps - 1 - real[:, ::-1].argmax(axis=1)
    lengths = last - first + 1
    for m, x in xs.items():
        bad = ~np.isfinite(x)
        if bad.any():
            kinds = f"{int(np.isnan(x).sum())} NaN, {int(np.isneginf(x).sum())} -inf, {int(np.isposinf(x).sum())} +inf"
            notes.append(f"{split}/{m}: {count(int(bad.sum()), 'non-finite value')} ({kinds}) replaced by 0.")
            x[bad] = 0.0
    out = {m: np.zeros((int(keep.sum()), steps, x.shape[2]), dtype=np.float32) for m, x in xs.items()}
    rows = np.flatnonzero(keep)
    for k, i in enumerate(rows):
        for m, x in xs.items():
            out[m][k, : lengths[i]] = x[i, first[i] : last[i] + 1]
    if rows.size < n:
        notes.append(f"{split}: {count(n - rows.size, 'utterance')} with no non-zero step in any modality dropped.")
    if rows.size == 0:
        raise Refused(f'split "{split}" has no utterance with a non-zero step')
    start = int((first[rows] > 0).sum())
    end = int((last[rows] < steps - 1).sum())
    notes.append(
        f"{split}: {rows.size} utterances of {steps} steps; {start} padded at the start, {end} at the end; "
        f"lengths {int(lengths[rows].min())} to {int(lengths[rows].max())}."
    )
    return out, y[rows], lengths[rows].astype(np.int64), [ids[i] for i in rows]


def convert(pickle_path, out_dir):
    obj, sha = load(pickle_path)
    if not isinstance(obj, dict) or any(s not in obj for s in SPLITS):
        found = sorted(map(str, obj)) if isinstance(obj, dict) else type(obj).__name__
        raise Refused(f"expected a dict with {', '.join(SPLITS)}; the pickle holds {found}")
    notes, splits, widths = [], {}, None
    for s in SPLITS:
        splits[s] = convert_split(s, obj[s], notes)
        w = {m: int(splits[s][0][m].shape[2]) for m in MODALITIES}
        if widths is None:
            widths = w
        elif w != widths:
            m = next(m for m in MODALITIES if w[m] != widths[m])
            raise Refused(f"{s}/{m} is {w[m]} wide but train/{m} is {widths[m]}: every split must have the same widths")
    os.makedirs(out_dir, exist_ok=True)
    for s, (xs, y, lengths, ids) in splits.items():
        for m, x in xs.items():
            np.save(os.path.join(out_dir, f"{s}_{m}.npy"), x)
            stale = os.path.join(out_dir, f"{s}_{m}_mean.npy")  # from an earlier toy MOSI export
            if os.path.exists(stale):
                os.remove(stale)
        np.save(os.path.join(out_dir, f"{s}_labels.npy"), y)
        np.save(os.path.join(out_dir, f"{s}_lengths.npy"), lengths)
        with open(os.path.join(out_dir, f"{s}_ids.txt"), "w", encoding="utf-8") as f:
            f.write("".join(i + "\n" for i in ids))
    manifest = {
        "layout": "mosi-aligned",
        "version": 1,
        "source": f"{os.path.basename(pickle_path)} (sha256 {sha[:16]})",
        "written_by": "chapters/ch07-supervised-fusion/convert_mosi.py",
        "widths": widths,
        "splits": {s: {"utterances": len(splits[s][1]), "steps": int(splits[s][0]["text"].shape[1])} for s in SPLITS},
        "notes": notes,
    }
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest


def main(argv):
    if len(argv) != 3:
        print("usage: python3 chapters/ch07-supervised-fusion/convert_mosi.py PICKLE DIR", file=sys.stderr)
        return 2
    try:
        manifest = convert(argv[1], argv[2])
    except Refused as e:
        print(f"convert_mosi.py: {argv[1]}: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"convert_mosi.py: {e}", file=sys.stderr)
        return 1
    w = manifest["widths"]
    print(f"{argv[2]}: widths text {w['text']}, audio {w['audio']}, vision {w['vision']}")
    for note in manifest["notes"]:
        print("  " + note)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
