"""Entry point: python3 train/python/encode.py --catalog shop.vcat [--encoder shop.vcat.encoder] (see README.md)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vitrine_train.encode import main  # noqa: E402

if __name__ == "__main__":
    main()
