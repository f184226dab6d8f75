"""Reads a Vitrine catalog and its encoder (written by either trainer) and runs the encoder in PyTorch.

    python3 train/python/encode.py --catalog shop.vcat --histories histories.json [--k 10] [--ids ids.json]

`histories.json` is a list of histories, each a list of item ids, oldest first (what the worker
reads: engagement events in time order, an immediate repeat collapsed). Prints JSON: per history
the shopper vector `u`, the top-k items by u·v + b over the whole catalog, and the scores of the
items listed in `--ids`. `--export STEM` writes the model back through the Python writers
(STEM.vcat.encoder, STEM.embeddings.npy, STEM.ids.txt, STEM.items.tsv), as the trainer does.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

from .formats import read_catalog, read_encoder, rewrite_encoder
from .model import Sasrec


def load(catalog_path: str, encoder_path: str | None = None) -> tuple[Sasrec, dict, dict]:
    catalog = read_catalog(Path(catalog_path).read_bytes())
    header, tensors = read_encoder(Path(encoder_path or f"{catalog_path}.encoder").read_bytes(), catalog)
    return Sasrec.from_arrays(header["config"], tensors, catalog["vectors"], catalog["bias"]), catalog, {"header": header, "tensors": tensors}


def history_rows(history: list[str], row_of: dict[str, int], max_len: int) -> list[int]:
    """historyRows of src/model/sasrec/encoder.ts for ids already in time order: unknown ids dropped, immediate repeats collapsed, newest max_len kept."""
    rows: list[int] = []
    for item in history:
        row = row_of.get(item)
        if row is None or (rows and rows[-1] == row):
            continue
        rows.append(row)
    return rows[-max_len:]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python3 train/python/encode.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--catalog", required=True)
    p.add_argument("--encoder", help="default: <catalog>.encoder")
    p.add_argument("--histories", help="JSON file: a list of histories (lists of item ids)")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--ids", help="JSON file: item ids whose scores to report")
    p.add_argument("--export", help="write the model back through the Python writers under this stem")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    model, catalog, encoder = load(a.catalog, a.encoder)
    if a.export:
        stem = a.export
        Path(f"{stem}.vcat.encoder").write_bytes(rewrite_encoder(encoder["header"], encoder["tensors"]))
        np.save(f"{stem}.embeddings.npy", catalog["vectors"])
        Path(f"{stem}.ids.txt").write_text("".join(f"{i}\n" for i in catalog["ids"]))
        with open(f"{stem}.items.tsv", "w", encoding="utf-8") as f:
            f.write("id\tbias\n")
            f.writelines(f"{i}\t{float(b)!r}\n" for i, b in zip(catalog["ids"], catalog["bias"]))
    if not a.histories:
        return
    row_of = {item: r for r, item in enumerate(catalog["ids"])}
    histories = json.loads(Path(a.histories).read_text())
    asked = json.loads(Path(a.ids).read_text()) if a.ids else []
    with torch.no_grad():
        rows = [history_rows(h, row_of, model.config["maxLen"]) for h in histories]
        u = torch.cat([model.encode([r]) for r in rows])
        scores = model.scores(u)
    results = []
    for i in range(len(histories)):
        order = torch.argsort(scores[i], descending=True, stable=True)[: a.k + 1].tolist()
        results.append({
            "u": u[i].tolist(),
            "top": [{"itemId": catalog["ids"][r], "score": float(scores[i, r])} for r in order],
            "scores": {item: float(scores[i, row_of[item]]) for item in asked if item in row_of},
        })
    json.dump({"config": model.config, "modelId": encoder["header"].get("modelId"), "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
