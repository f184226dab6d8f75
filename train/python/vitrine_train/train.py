"""Trains the SASRec encoder with PyTorch, on one CPU, one GPU, or N processes with
DistributedDataParallel, and writes what `vitrine train --encoder sasrec` writes: the encoder file
and the catalog's embeddings and bias (then `vitrine build-catalog` makes the catalog).

The recipe is the Node trainer's (src/training/sasrec/train-sasrec.ts), step for step:
- leave-one-out: train on items[:-2] (users with ≥ 3 items; shorter users keep everything),
  sequences cut to their last maxLen + 1 items; every position predicts the next item;
- the same batch plan (shuffled, length-bucketed, ≤ max-tokens positions per step), the same
  sampled negatives (uniform plus the batch's targets, both with the logQ correction; or the full
  softmax with --negatives 0), drawn from the same mulberry32 stream: with one seed both trainers
  see the same batches in the same order;
- Adam (β₁ 0.9, β₂ 0.98, ε 1e-7: tfjs's), dropout, early stopping on full-ranking validation
  NDCG@10 of items[-2] over a seeded sample of users (the same sample), patience.

Distributed: `--batch-size` is the global batch. Every rank draws the same plan and negatives,
takes every world-th sequence of each batch, and scales its summed loss so that DDP's gradient
average is the full batch's mean loss: N processes compute the step one process computes.
"""

import argparse
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

from .formats import write_encoder
from .logs import LOG_FORMATS, MIN_EVALUATION_LENGTH, index_items, leave_one_out, read_sequences
from .model import MASKED, Sasrec
from .rng import Rng

# SASREC_DEFAULTS of train-sasrec.ts; the CLI flags below mirror `vitrine train`'s encoder flags.
DEFAULTS = dict(dim=64, max_len=50, blocks=2, heads=1, dropout=0.3, learning_rate=1e-3, batch_size=128, max_tokens=4096,
                negatives=1024, in_batch_negatives=True, epochs=60, patience=5, seed=42, validation_users=0)
BUCKET_BATCHES = 16
REPO_ROOT = Path(__file__).resolve().parents[3]


def plan_batches(train: list[list[int]], batch_size: int, max_tokens: int, max_len: int, rng: Rng) -> list[list[int]]:
    """planBatches: shuffle, sort by length within buckets of 16 batches, cut at batch_size or max_tokens, shuffle the batches."""
    order = rng.shuffle(list(range(len(train))))
    batches: list[list[int]] = []
    bucket = batch_size * BUCKET_BATCHES
    for start in range(0, len(order), bucket):
        part = sorted(order[start : start + bucket], key=lambda i: (len(train[i]), i))
        current: list[int] = []
        for i in part:
            padded = min(max_len, len(train[i]) - 1)
            if current and (len(current) >= batch_size or (len(current) + 1) * padded > max_tokens):
                batches.append(current)
                current = []
            current.append(i)
        if current:
            batches.append(current)
    return rng.shuffle(batches)


def sample_negatives(batch: list[list[int]], count: int, item_count: int, share: np.ndarray | None, rng: Rng):
    """sampleNegatives: `count` uniform items plus the batch's targets, and log E[times drawn] of each (the logQ correction)."""
    uniform = [rng.int(item_count) for _ in range(count)]
    targets = sorted({s[k] for s in batch for k in range(1, len(s))}) if share is not None else []
    drawn = sum(len(s) - 1 for s in batch)

    def log_q(items: np.ndarray) -> np.ndarray:
        extra = np.minimum(1.0, drawn * share[items]) if share is not None else 0.0
        return np.log(count / item_count + extra).astype(np.float32)

    items = np.array(uniform + targets, dtype=np.int64)
    return items, log_q(items), log_q


def make_batch(batch: list[list[int]], max_len: int):
    """trainStep's input: ids [B, T] left-padded with −1, and the flat positions and their next items."""
    if not batch:
        return torch.full((1, 1), -1, dtype=torch.long), torch.zeros(0, dtype=torch.long), np.zeros(0, dtype=np.int64)
    length = min(max_len, max(len(s) - 1 for s in batch))
    ids = np.full(len(batch) * length, -1, dtype=np.int64)
    positions: list[int] = []
    targets: list[int] = []
    for i, s in enumerate(batch):
        inputs, following = s[:-1][-length:], s[1:][-length:]
        start = i * length + length - len(inputs)
        ids[start : start + len(inputs)] = inputs
        positions.extend(range(start, start + len(following)))
        targets.extend(following)
    return torch.from_numpy(ids.reshape(len(batch), length)), torch.tensor(positions, dtype=torch.long), np.array(targets, dtype=np.int64)


class Objective(nn.Module):
    """Summed softmax cross-entropy of the next item at each position (sampled with logQ, or full)."""

    def __init__(self, model: Sasrec) -> None:
        super().__init__()
        self.model = model

    def forward(self, ids, positions, targets, negatives=None, negative_log_q=None, target_log_q=None):
        m = self.model
        hidden = m(ids).reshape(-1, m.config["dim"])
        h = hidden[positions]
        positive = (h * m.items[targets]).sum(1) + m.bias[targets]
        if negatives is not None:
            # A sampled "negative" that is the target is not a negative.
            hits = torch.where(targets.unsqueeze(1) == negatives.unsqueeze(0), MASKED, 0.0)
            negative = h @ m.items[negatives].T + m.bias[negatives] + hits - negative_log_q
            corrected = positive - target_log_q
        else:
            negative = h @ m.items.T + m.bias + nn.functional.one_hot(targets, m.config["itemCount"]).to(h.dtype) * MASKED
            corrected = positive
        logits = torch.cat([corrected.unsqueeze(1), negative], 1)
        return (torch.logsumexp(logits, 1) - corrected).sum()


@torch.no_grad()
def validate(model: Sasrec, cases: list[dict], chunk: int = 512) -> tuple[float, float]:
    """Sums of HR@10 and NDCG@10 hits of the validation item under full ranking, the user's earlier items masked, ties against the target."""
    model.eval()
    hits = ndcg = 0.0
    for start in range(0, len(cases), chunk):
        part = cases[start : start + chunk]
        scores = model.scores(model.encode([c["history"] for c in part]))
        rows = [i for i, c in enumerate(part) for _ in c["history"]]
        cols = [item for c in part for item in c["history"]]
        if rows:
            scores[torch.tensor(rows, device=scores.device), torch.tensor(cols, device=scores.device)] = -math.inf
        target = torch.tensor([c["target"] for c in part], device=scores.device)
        target_score = scores.gather(1, target.unsqueeze(1))
        rank = (scores >= target_score).sum(1) - 1
        top = rank < 10
        hits += float(top.sum())
        ndcg += float((1 / torch.log2(rank[top].double() + 2)).sum())
    model.train()
    return hits, ndcg


def with_holdout(sequences: list[list[str]], holdout: str | None) -> list[list[str]]:
    """withHoldout of `vitrine train --holdout`: drop what `vitrine evaluate --split` will ask about."""
    if not holdout:
        return sequences
    drop = 1 if holdout == "test" else 2
    return [s[:-drop] if len(s) >= MIN_EVALUATION_LENGTH else s for s in sequences]


def blas_library() -> str:
    """The BLAS this process loaded: Debian's PyTorch uses the system's libblas.so.3 (BLAS_INFO=generic)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.split()[-1]}
    except OSError:
        return "unknown"
    return ", ".join(sorted(os.path.realpath(p) for p in paths)) or "none found"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(rank: int, world: int, args: argparse.Namespace, port: int | None) -> None:
    """One process of the run (rank 0 of 1 when not distributed)."""
    use_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    local_rank = int(os.environ.get("LOCAL_RANK", rank))
    if use_cuda:
        torch.cuda.set_device(local_rank)
    device = torch.device(f"cuda:{local_rank}" if use_cuda else "cpu")
    local_world = int(os.environ.get("LOCAL_WORLD_SIZE", world))
    torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // local_world))
    if world > 1:
        backend = "nccl" if use_cuda else "gloo"
        init = "env://" if port is None else f"tcp://127.0.0.1:{port}"
        dist.init_process_group(backend, init_method=init, world_size=world, rank=rank)
    try:
        train(rank, world, device, args)
    finally:
        if world > 1:
            dist.destroy_process_group()


def train(rank: int, world: int, device: torch.device, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    say = (lambda *a: print(*a, file=sys.stderr, flush=True)) if rank == 0 and not args.quiet else (lambda *a: None)
    ids, sequences = index_items(with_holdout(read_sequences(args.log, args.format), args.holdout), args.min_count)
    item_count = len(ids)
    train_part, validation = (sequences, []) if args.encoder_fit_all else leave_one_out(sequences)
    train_seqs = [s[-(args.max_len + 1) :] for s in train_part if len(s) >= 2]
    if not train_seqs:
        raise SystemExit("no sequence has two or more training items")
    sampler = Rng(args.seed ^ 0x5EED)
    if 0 < args.validation_users < len(validation):
        validation = sorted(sampler.shuffle(list(validation))[: args.validation_users], key=lambda c: c["user"])

    model = Sasrec(item_count, args.dim, args.max_len, args.blocks, args.heads, args.dropout)
    model.reset_parameters(torch.Generator().manual_seed(args.seed))
    model.to(device)
    objective: nn.Module = Objective(model)
    if world > 1:
        objective = nn.parallel.DistributedDataParallel(objective, device_ids=[device.index] if device.type == "cuda" else None)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate, betas=(0.9, 0.98), eps=1e-7)
    torch.manual_seed(args.seed * 7919 + rank)  # dropout masks: one stream per rank

    share = np.zeros(item_count, dtype=np.float64)
    for s in train_seqs:
        np.add.at(share, s[1:], 1)
    share /= share.sum()
    state = {"epoch": 0, "rng": args.seed & 0xFFFFFFFF, "best": -1.0, "bestEpoch": 0, "stale": 0, "log": []}
    best = None
    checkpoint = Path(args.checkpoint) / "checkpoint.pt" if args.checkpoint else None
    if checkpoint and checkpoint.exists():
        saved = torch.load(checkpoint, map_location=device)
        if saved["settings"] == settings_key(args, len(train_seqs)):
            model.load_state_dict(saved["model"])
            optimizer.load_state_dict(saved["optimizer"])
            state, best = saved["state"], saved["best"]
            say(f"resumed from {checkpoint} after epoch {state['epoch']}")
    rng = Rng(state["rng"])
    blas = blas_library()
    if device.type == "cpu" and "/blas/libblas" in blas:
        say(f"warning: PyTorch runs its matrix products on the reference BLAS ({blas}), ≈ 7× slower than OpenBLAS here: "
            "apt-get install libopenblas0-pthread, or LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread")
    say(f"pytorch {torch.__version__} on {device.type} × {world} process(es), {torch.get_num_threads()} thread(s) each: "
        f"{len(train_seqs)} training sequences, {item_count} items, {len(validation)} validation users")

    epoch = state["epoch"]
    while epoch < args.encoder_epochs and (args.encoder_fit_all or state["stale"] < args.patience):
        epoch_started, cpu_started = time.perf_counter(), time.process_time()
        plan = plan_batches(train_seqs, args.batch_size, args.max_tokens, args.max_len, rng)
        if args.steps_per_epoch:
            plan = plan[: args.steps_per_epoch]
        loss_sum, examples = 0.0, 0
        model.train()
        for b, chosen_rows in enumerate(plan):
            chosen = [train_seqs[i] for i in chosen_rows]
            total = sum(len(s) - 1 for s in chosen)
            mine = chosen[rank::world]
            batch_ids, positions, targets = make_batch(mine, args.max_len)
            extra = {}
            if args.negatives > 0:
                negatives, negative_log_q, log_q = sample_negatives(chosen, args.negatives, item_count, share if args.in_batch_negatives else None, rng)
                extra = dict(negatives=torch.from_numpy(negatives).to(device), negative_log_q=torch.from_numpy(negative_log_q).to(device),
                             target_log_q=torch.from_numpy(log_q(targets)).to(device))
            summed = objective(batch_ids.to(device), positions.to(device), torch.from_numpy(targets).to(device), **extra)
            loss = summed * (world / total)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum += float(summed) * world / total  # this rank's share, scaled: the batch mean with one process
            examples += total
        train_seconds = time.perf_counter() - epoch_started
        # CPU time of all ranks (every thread of each process): on shared cores, wall time says how
        # much CPU the machine gave us, CPU time what the work cost.
        cpu_seconds = time.process_time() - cpu_started
        if world > 1:
            cpu_total = torch.tensor([cpu_seconds], dtype=torch.float64, device=device)
            dist.all_reduce(cpu_total)
            cpu_seconds = float(cpu_total[0])
        if args.encoder_fit_all:
            metrics = {"HR@10": None, "NDCG@10": None}  # JSON null, as the Node trainer's NaN is written
        else:
            hits, ndcg = validate(model, validation[rank::world])
            if world > 1:
                sums = torch.tensor([hits, ndcg], dtype=torch.float64, device=device)
                dist.all_reduce(sums)
                hits, ndcg = sums.tolist()
            n = max(1, len(validation))
            metrics = {"HR@10": hits / n, "NDCG@10": ndcg / n}
        largest = float(model.items.detach().abs().max())
        if not largest < 1e4:
            raise RuntimeError(f"training diverged: an item weight is {largest}")
        epoch += 1
        log = {"epoch": epoch, "loss": loss_sum / max(1, len(plan)), "validation": metrics, "seconds": time.perf_counter() - epoch_started,
               "trainSeconds": train_seconds, "steps": len(plan), "examples": examples, "examplesPerSecond": examples / train_seconds,
               "cpuSeconds": cpu_seconds, "examplesPerCpuSecond": examples / cpu_seconds}
        state["log"].append(log)
        if args.encoder_fit_all or metrics["NDCG@10"] > state["best"]:
            state.update(best=metrics["NDCG@10"], bestEpoch=epoch, stale=0)
            best = model.export()
        else:
            state["stale"] += 1
        state["epoch"], state["rng"] = epoch, rng.state
        validation_note = "no validation" if args.encoder_fit_all else f"validation HR@10 {metrics['HR@10']:.4f} NDCG@10 {metrics['NDCG@10']:.4f}"
        say(f"epoch {epoch}: loss {log['loss']:.4f}, {validation_note} ({log['seconds']:.1f} s; {log['examplesPerSecond']:.0f} examples/s)")
        if checkpoint and rank == 0:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            torch.save({"settings": settings_key(args, len(train_seqs)), "model": model.state_dict(), "optimizer": optimizer.state_dict(), "state": state, "best": best},
                       checkpoint.with_suffix(".tmp"))
            os.replace(checkpoint.with_suffix(".tmp"), checkpoint)

    if rank == 0:
        summary = {"trainer": "pytorch", "torch": torch.__version__, "device": device.type, "processes": world, "threads": torch.get_num_threads(),
                   "blas": blas, "items": item_count, "sequences": len(train_seqs), "bestEpoch": state["bestEpoch"], "seconds": time.perf_counter() - started, "epochs": state["log"]}
        if args.log_json:
            Path(args.log_json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.log_json).write_text(json.dumps(summary, indent=2) + "\n")
        if args.out:
            export(args, ids, best if best is not None else model.export(), state["bestEpoch"], summary, say)


def settings_key(args: argparse.Namespace, sequences: int) -> dict:
    """What shapes the trajectory (the stopping rules left out, so a run can be extended and still resume)."""
    keys = ("log", "format", "dim", "max_len", "blocks", "heads", "dropout", "learning_rate", "batch_size", "max_tokens", "negatives",
            "in_batch_negatives", "seed", "validation_users", "encoder_fit_all", "holdout", "min_count", "steps_per_epoch")
    return {**{k: getattr(args, k) for k in keys}, "sequences": sequences}


def export(args: argparse.Namespace, ids: list[str], tensors: dict[str, np.ndarray], best_epoch: int, summary: dict, say) -> None:
    """Writes <out>.encoder (+ .log.json), <stem>.embeddings.npy, <stem>.ids.txt, <stem>.items.tsv (id, bias) and, unless --no-catalog, <out> via `vitrine build-catalog`."""
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stem = out.with_suffix("") if out.suffix == ".vcat" else out
    model_id = f"sasrec-d{args.dim}-l{args.max_len}-b{args.blocks}-h{args.heads}-n{args.negatives}-e{best_epoch}-s{args.seed}"
    config = {"itemCount": len(ids), "dim": args.dim, "maxLen": args.max_len, "blocks": args.blocks, "heads": args.heads}
    encoder_path = Path(args.encoder_out or f"{out}.encoder")
    encoder_path.write_bytes(write_encoder(config, tensors, model_id, {"trainer": "pytorch"}))
    Path(f"{encoder_path}.log.json").write_text(json.dumps({"modelId": model_id, "backend": f"pytorch-{summary['device']}", **summary}, indent=2) + "\n")
    np.save(f"{stem}.embeddings.npy", tensors["items"].astype(np.float32))
    Path(f"{stem}.ids.txt").write_text("".join(f"{i}\n" for i in ids))
    with open(f"{stem}.items.tsv", "w", encoding="utf-8") as f:
        f.write("id\tbias\n")
        # repr of a float32 widened to float64 is exact: the catalog gets the trained bias bit for bit.
        f.writelines(f"{i}\t{float(b)!r}\n" for i, b in zip(ids, tensors["bias"].astype(np.float32)))
    say(f"wrote {encoder_path} ({encoder_path.stat().st_size} bytes), {stem}.embeddings.npy, {stem}.ids.txt, {stem}.items.tsv")
    if args.no_catalog:
        return
    command = vitrine_command(args.vitrine) + ["build-catalog", "--embeddings", f"{stem}.embeddings.npy", "--ids", f"{stem}.ids.txt",
                                               "--metadata", f"{stem}.items.tsv", "--model-id", model_id, "--out", str(out)]
    say(" ".join(command))
    subprocess.run(command, check=True, stdout=sys.stderr if not args.quiet else subprocess.DEVNULL)


def vitrine_command(given: str | None) -> list[str]:
    """How to run the CLI: --vitrine, else this repository's bin/vitrine.js, else `npx vitrine`."""
    if given:
        return given.split()
    local = REPO_ROOT / "bin" / "vitrine.js"
    if local.exists() and shutil.which("node"):
        return ["node", str(local)]
    return ["npx", "--yes", "vitrine"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python3 train/python/train.py", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--log", required=True, help="interaction log")
    p.add_argument("--format", choices=LOG_FORMATS, default="sequences")
    p.add_argument("--out", help="catalog to write (<out>.encoder beside it); omit to train only")
    p.add_argument("--encoder-out", help="encoder file to write (default: <out>.encoder)")
    p.add_argument("--no-catalog", action="store_true", help="write the encoder, .npy, ids and bias but do not run vitrine build-catalog")
    p.add_argument("--vitrine", help="command that runs the Vitrine CLI (default: this repository's bin/vitrine.js, else npx vitrine)")
    p.add_argument("--log-json", help="also write the training log (epochs, examples per second) here")
    p.add_argument("--dim", type=int, default=DEFAULTS["dim"])
    p.add_argument("--max-len", type=int, default=DEFAULTS["max_len"])
    p.add_argument("--blocks", type=int, default=DEFAULTS["blocks"])
    p.add_argument("--heads", type=int, default=DEFAULTS["heads"])
    p.add_argument("--dropout", type=float, default=DEFAULTS["dropout"])
    p.add_argument("--learning-rate", type=float, default=DEFAULTS["learning_rate"])
    p.add_argument("--batch-size", type=int, default=DEFAULTS["batch_size"], help="sequences per step, over all processes")
    p.add_argument("--max-tokens", type=int, default=DEFAULTS["max_tokens"], help="most positions per step, over all processes")
    p.add_argument("--negatives", type=int, default=DEFAULTS["negatives"], help="uniform sampled negatives per step (0 = full softmax)")
    p.add_argument("--no-in-batch-negatives", dest="in_batch_negatives", action="store_false", help="sampled softmax without the batch's targets as negatives")
    p.add_argument("--encoder-epochs", type=int, default=DEFAULTS["epochs"], help="most epochs")
    p.add_argument("--patience", type=int, default=DEFAULTS["patience"])
    p.add_argument("--validation-users", type=int, default=DEFAULTS["validation_users"], help="validation users scored per epoch (0 = all)")
    p.add_argument("--encoder-fit-all", action="store_true", help="train on every item for exactly --encoder-epochs epochs, no validation")
    p.add_argument("--holdout", choices=("valid", "test"), help="leave out what `vitrine evaluate --split` scores")
    p.add_argument("--min-count", type=int, default=1)
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    p.add_argument("--steps-per-epoch", type=int, default=0, help="cut each epoch after this many steps (tests, benchmarks)")
    p.add_argument("--checkpoint", help="folder for resumable state (rank 0 writes it after every epoch)")
    p.add_argument("--processes", type=int, default=1, help="DDP processes started here with torch.multiprocessing.spawn (ignored under torchrun)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--threads", type=int, default=0, help="torch threads per process (default: cores / processes)")
    p.add_argument("--port", type=int, default=0, help="TCP port of the spawn rendezvous (default: a free one)")
    p.add_argument("--quiet", action="store_true")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:  # torchrun / torch.distributed.run
        run(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), args, None)
    elif args.processes > 1:
        mp.spawn(run, args=(args.processes, args, args.port or free_port()), nprocs=args.processes, join=True)
    else:
        run(0, 1, args, None)


if __name__ == "__main__":
    main()
