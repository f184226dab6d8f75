"""Entry point: python3 train/python/train.py --log LOG --out shop.vcat [options] (see README.md)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vitrine_train.train import main  # noqa: E402

if __name__ == "__main__":
    main()
