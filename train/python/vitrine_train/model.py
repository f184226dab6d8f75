"""The SASRec encoder the browser runs (src/model/sasrec/forward.ts), in PyTorch.

- Shared item table: `items` [itemCount, dim] is the input embedding and the output table; with
  `bias` [itemCount] it becomes the catalog's embeddings and bias, so score(i) = u·vᵢ + bᵢ.
- Positions count back from the newest item (row maxLen − 1 is the newest), so left-padding a
  batch to any length gives the same outputs.
- Pre-LayerNorm blocks (eps 1e-6): x += Drop(Attn(LN₁(x))), x += Drop(FFN(LN₂(x))), x ·= mask;
  causal attention that never reads padding (additive −1e9), scaled dot-product, single or
  multi-head; dense layers are x · W + b with W stored [in, out] as in the file; a final LayerNorm.
"""

import math

import numpy as np
import torch
from torch import nn

from .formats import encoder_tensor_shapes

LN_EPS = 1e-6
MASKED = -1e9


def layer_norm(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    mean = x.mean(-1, keepdim=True)
    centred = x - mean
    variance = (centred * centred).mean(-1, keepdim=True)
    return centred * torch.rsqrt(variance + LN_EPS) * gamma + beta


class Sasrec(nn.Module):
    def __init__(self, item_count: int, dim: int, max_len: int, blocks: int, heads: int, dropout: float = 0.0) -> None:
        super().__init__()
        if dim % heads:
            raise ValueError(f"dim {dim} is not a multiple of heads {heads}")
        self.config = {"itemCount": item_count, "dim": dim, "maxLen": max_len, "blocks": blocks, "heads": heads}
        self.dropout = dropout
        self.items = nn.Parameter(torch.zeros(item_count, dim))
        self.bias = nn.Parameter(torch.zeros(item_count))
        # Parameter names cannot hold dots: "block0.ln1.gamma" is kept as "block0__ln1__gamma".
        self.tensors = nn.ParameterDict({name.replace(".", "__"): nn.Parameter(torch.zeros(shape)) for name, shape in encoder_tensor_shapes(self.config)})

    def p(self, name: str) -> torch.Tensor:
        return self.tensors[name.replace(".", "__")]

    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """The Node trainer's initialisation (initialTensors in train-sasrec.ts), from torch's random stream."""
        d = self.config["dim"]
        with torch.no_grad():
            # Items start near zero: an item the sampled softmax rarely draws as a negative must not
            # keep a large random vector, or its random u·v outranks real candidates at full ranking.
            self.items.normal_(0, 0.01, generator=generator)
            self.bias.zero_()
            for name, _ in encoder_tensor_shapes(self.config):
                leaf = name.split(".")[-1]
                t = self.p(name)
                if leaf == "gamma":
                    t.fill_(1)
                elif leaf == "beta" or leaf in ("bq", "bk", "bv", "bo", "b1", "b2"):
                    t.zero_()
                else:
                    t.normal_(0, 0.02 if name == "positions" else 1 / math.sqrt(d), generator=generator)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids [B, T] (int64, −1 = padding, last column newest) → hidden states [B, T, dim]."""
        batch, length = ids.shape
        c = self.config
        d, heads = c["dim"], c["heads"]
        head_dim = d // heads
        drop = (lambda x: nn.functional.dropout(x, self.dropout, True)) if self.training and self.dropout > 0 else (lambda x: x)
        mask = (ids >= 0).to(self.items.dtype)
        mask3 = mask.unsqueeze(2)
        positions = self.p("positions")[c["maxLen"] - length :]
        x = drop(self.items[ids.clamp(min=0)] + positions) * mask3
        # Additive attention bias [B, 1, T, T]: 0 where query t may read key s (s ≤ t, s not padding).
        causal = torch.tril(torch.ones(length, length, dtype=x.dtype, device=x.device))
        allowed = causal.unsqueeze(0) * mask.unsqueeze(1)
        attention_bias = ((1 - allowed) * MASKED).unsqueeze(1)

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.reshape(batch, length, heads, head_dim).transpose(1, 2)

        for b in range(c["blocks"]):
            p = lambda name: self.p(f"block{b}.{name}")  # noqa: E731
            h = layer_norm(x, p("ln1.gamma"), p("ln1.beta"))
            q, k, v = split(h @ p("wq") + p("bq")), split(h @ p("wk") + p("bk")), split(h @ p("wv") + p("bv"))
            scores = (q @ k.transpose(-1, -2)) * (1 / math.sqrt(head_dim)) + attention_bias
            attended = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(batch, length, d)
            x = x + drop(attended @ p("wo") + p("bo"))
            h2 = layer_norm(x, p("ln2.gamma"), p("ln2.beta"))
            x = (x + drop(torch.relu(h2 @ p("w1") + p("b1")) @ p("w2") + p("b2"))) * mask3
        return layer_norm(x, self.p("ln.gamma"), self.p("ln.beta"))

    def encode(self, histories: list[list[int]]) -> torch.Tensor:
        """Shopper vectors [len(histories), dim]: the output after each history's newest item (padHistories + encodeHistories)."""
        ids = pad_histories(histories, self.config["maxLen"]).to(self.items.device)
        return self.forward(ids)[:, -1]

    def scores(self, u: torch.Tensor) -> torch.Tensor:
        """u · vᵢ + bᵢ for every item: what the worker scores."""
        return u @ self.items.T + self.bias

    def export(self) -> dict[str, np.ndarray]:
        """Every tensor by its file name, plus `items` and `bias`, as float32 arrays."""
        out = {name: self.p(name).detach().cpu().float().numpy().copy() for name, _ in encoder_tensor_shapes(self.config)}
        out["items"] = self.items.detach().cpu().float().numpy().copy()
        out["bias"] = self.bias.detach().cpu().float().numpy().copy()
        return out

    @classmethod
    def from_arrays(cls, config: dict, tensors: dict[str, np.ndarray], items: np.ndarray, bias: np.ndarray) -> "Sasrec":
        """A model from an encoder file's tensors and its catalog's vectors and bias."""
        model = cls(config["itemCount"], config["dim"], config["maxLen"], config["blocks"], config["heads"])
        with torch.no_grad():
            model.items.copy_(torch.from_numpy(np.asarray(items, dtype=np.float32)[: config["itemCount"]]))
            model.bias.copy_(torch.from_numpy(np.asarray(bias, dtype=np.float32)[: config["itemCount"]]))
            for name, _ in encoder_tensor_shapes(config):
                model.p(name).copy_(torch.from_numpy(tensors[name]))
        return model.eval()


def pad_histories(histories: list[list[int]], max_len: int) -> torch.Tensor:
    """The newest max_len items of each history, left-padded with −1 to the longest one (at least 1)."""
    length = max(1, min(max_len, max((len(h) for h in histories), default=0)))
    ids = torch.full((len(histories), length), -1, dtype=torch.long)
    for i, history in enumerate(histories):
        tail = history[-length:] if history else []
        if tail:
            ids[i, length - len(tail) :] = torch.tensor(tail, dtype=torch.long)
    return ids

