"""The captioner (chapter 10), our engine and PyTorch side by side:

    python3 benches/peers/captioning_compare.py [--rounds 3]     # from the repository root

`side_by_side.py captioning`: `benches/benches/captioning.rs` against
`torch_captioning.py`, written to benches/results/captioning-ISA.json (ISA avx2 or
avx512); chapter 10 compiles in the AVX2 one.
"""
import sys

from side_by_side import main

if __name__ == "__main__":
    main(["captioning", *sys.argv[1:]], command="python3 benches/peers/captioning_compare.py")
