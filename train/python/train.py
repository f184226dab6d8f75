"""Entry point: python3 train/python/train.py --log LOG --out shop.vcat [options] (see README.md)."""

import os
import sys
from pathlib import Path


def _flag(name: str, default: int) -> int:
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return int(args[i + 1])
        if arg.startswith(name + "="):
            return int(arg.split("=", 1)[1])
    return default


# OpenBLAS (when it is the system BLAS) starts one thread per core in every process unless told
# otherwise, before torch.set_num_threads can say anything: give it this process's share.
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(_flag("--threads", 0) or max(1, (os.cpu_count() or 1) // _flag("--processes", 1))))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from vitrine_train.train import main  # noqa: E402

if __name__ == "__main__":
    main()
