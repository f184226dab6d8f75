"""Interaction logs, read as `vitrine train` reads them (src/cli/read-log.ts, src/cli/commands/train.ts).

- `sequences`: `user item item …` per line, items in time order (S3-Rec / SASRec files).
- `unisrec`: RecBole/UniSRec `.inter` files (`user<TAB>history…<TAB>item`, typed header line).
- `interactions`: CSV/TSV (optionally .gz) with header `user,item[,timestamp]`; per user, items in
  time order (ties in file order), an item counted once, at its first interaction.

Item rows are numbered in order of first appearance in the log, as the CLI numbers them, so a
catalog built from either trainer lists the same items in the same rows.
"""

import csv
import gzip
import io
from datetime import datetime

LOG_FORMATS = ("sequences", "unisrec", "interactions")
MIN_EVALUATION_LENGTH = 3


def _open_text(path: str):
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def _timestamp(value: str, line: int) -> float:
    if value is None:
        return float(line)
    try:
        number = float(value)
        if number != 0:
            return number
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000
    except ValueError as error:
        raise ValueError(f"row {line + 2}: timestamp {value} is not a number or date") from error


def read_sequences(path: str, fmt: str) -> list[list[str]]:
    """Each shopper's item ids in time order."""
    if fmt == "sequences":
        with _open_text(path) as f:
            return [items for items in (line.split()[1:] for line in f) if items]
    if fmt == "unisrec":
        with _open_text(path) as f:
            lines = f.read().split("\n")[1:]
        sequences = []
        for line in lines:
            if line.strip() == "":
                continue
            parts = line.split("\t")
            history = parts[1] if len(parts) > 1 else ""
            target = parts[2] if len(parts) > 2 else ""
            sequences.append([item for item in [*history.strip().split(), target.strip()] if item != ""])
        return sequences
    if fmt == "interactions":
        with _open_text(path) as f:
            text = f.read()
        delimiter = "\t" if ".tsv" in path else ","
        by_user: dict[str, list[tuple[float, int, str]]] = {}
        for line, row in enumerate(csv.DictReader(io.StringIO(text), delimiter=delimiter)):
            if row.get("user") is None or row.get("item") is None:
                raise ValueError(f"{path}: needs columns user,item[,timestamp]")
            by_user.setdefault(row["user"], []).append((_timestamp(row.get("timestamp"), line), line, row["item"]))
        sequences = []
        for rows in by_user.values():
            rows.sort()
            seen: set[str] = set()
            items = []
            for _, _, item in rows:
                if item not in seen:
                    seen.add(item)
                    items.append(item)
            sequences.append(items)
        return sequences
    raise ValueError(f"unknown log format {fmt}; expected one of {', '.join(LOG_FORMATS)} (convert other logs with the Node CLI's readers)")


def index_items(sequences: list[list[str]], min_count: int = 1) -> tuple[list[str], list[list[int]]]:
    """Item ids in first-appearance order (those with ≥ min_count interactions) and the sequences as rows."""
    counts: dict[str, int] = {}
    for seq in sequences:
        for item in seq:
            counts[item] = counts.get(item, 0) + 1
    ids = [item for item, n in counts.items() if n >= min_count]
    row = {item: i for i, item in enumerate(ids)}
    return ids, [[row[item] for item in seq if item in row] for seq in sequences]


def leave_one_out(sequences: list[list[int]]):
    """items[:-2] to train on, (items[:-2] → items[-2]) to validate; users with < 3 items train on everything."""
    train, validation = [], []
    for user, seq in enumerate(sequences):
        if len(seq) < MIN_EVALUATION_LENGTH:
            train.append(seq)
            continue
        train.append(seq[:-2])
        validation.append({"user": user, "history": seq[:-2], "target": seq[-2]})
    return train, validation
