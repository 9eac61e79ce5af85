"""Tensor fusion against low-rank fusion (chapter 9), our engine and PyTorch side by side:

    python3 benches/peers/fusion_compare.py [--rounds 3]     # from the repository root

`side_by_side.py fusion`: `benches/benches/fusion.rs` against `torch_fusion.py`, written
to benches/results/fusion-ISA.json (ISA avx2 or avx512); chapter 9 compiles in the
AVX2 one.
"""
import sys

from side_by_side import main

if __name__ == "__main__":
    main(["fusion", *sys.argv[1:]], command="python3 benches/peers/fusion_compare.py")
