"""Vitrine's files on the Python side: the encoder file (read and write) and the catalog (read).

One format, two writers: `write_encoder` produces the bytes `encodeEncoder` of
src/model/sasrec/format.ts produces for the same header and tensors (docs/encoder-format.md),
and `read_encoder` refuses what `decodeEncoder` refuses.
"""

import hashlib
import json
import struct

import numpy as np

ENCODER_MAGIC = b"VTRNENC\x00"
CATALOG_MAGIC = b"VTRNCAT\x00"
ENCODER_FORMAT_VERSION = 1
BLOCK_TENSORS = ("ln1.gamma", "ln1.beta", "wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo", "ln2.gamma", "ln2.beta", "w1", "b1", "w2", "b2")


class FormatError(ValueError):
    """A malformed encoder or catalog file (the Node side's ENCODER_INVALID / CATALOG_CORRUPT)."""


def encoder_tensor_shapes(config: dict) -> list[tuple[str, tuple[int, ...]]]:
    """Every encoder tensor in file order (encoderTensorShapes in src/model/sasrec/forward.ts)."""
    d = config["dim"]
    shapes = [("positions", (config["maxLen"], d))]
    for b in range(config["blocks"]):
        for name in BLOCK_TENSORS:
            shape = (d, d) if name in ("wq", "wk", "wv", "wo", "w1", "w2") else (d,)
            shapes.append((f"block{b}.{name}", shape))
    shapes += [("ln.gamma", (d,)), ("ln.beta", (d,))]
    return shapes


def _json(value) -> bytes:
    # JSON.stringify's form: no spaces, non-ASCII kept as UTF-8.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def pack_tensors(header: dict, tensors: list[tuple[str, np.ndarray]]) -> bytes:
    """magic, u32 LE header length, JSON header padded with spaces to a multiple of 4, float32 LE data."""
    entries, offset, blobs = [], 0, []
    for name, array in tensors:
        data = np.ascontiguousarray(array, dtype="<f4")
        entries.append({"name": name, "shape": list(data.shape), "offset": offset})
        offset += data.size * 4
        blobs.append(data.tobytes())
    text = _json({**header, "tensors": entries})
    text += b" " * (-len(text) % 4)
    return ENCODER_MAGIC + struct.pack("<I", len(text)) + text + b"".join(blobs)


def unpack_tensors(data: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    if len(data) < 12 or data[:8] != ENCODER_MAGIC:
        raise FormatError("bad magic (not a Vitrine encoder file)")
    (length,) = struct.unpack_from("<I", data, 8)
    if 12 + length > len(data):
        raise FormatError("the header runs past the end of the file")
    try:
        header = json.loads(data[12 : 12 + length].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError("the header is not JSON") from error
    if not isinstance(header.get("tensors"), list):
        raise FormatError("the header lists no tensors")
    block = data[12 + length :]
    tensors = {}
    for entry in header["tensors"]:
        name, shape, offset = entry.get("name"), entry.get("shape"), entry.get("offset")
        if not isinstance(name, str) or not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape) or not isinstance(offset, int) or offset % 4:
            raise FormatError(f"tensor entry {entry} is malformed")
        size = int(np.prod(shape, dtype=np.int64))
        if offset + size * 4 > len(block):
            raise FormatError(f"tensor {name} runs past the end of the file (truncated?)")
        tensors[name] = np.frombuffer(block, dtype="<f4", count=size, offset=offset).reshape(shape).astype(np.float32)
    return header, tensors


def write_encoder(config: dict, tensors: dict[str, np.ndarray], model_id: str | None = None, extra: dict | None = None) -> bytes:
    """An encoder file for a catalog of `config['itemCount']` rows; `extra` adds header fields (e.g. the trainer)."""
    header = {"formatVersion": ENCODER_FORMAT_VERSION, "architecture": "sasrec",
              "config": {k: int(config[k]) for k in ("itemCount", "dim", "maxLen", "blocks", "heads")}, "itemTable": "catalog"}
    if model_id:
        header["modelId"] = model_id
    header.update(extra or {})
    listed = []
    for name, shape in encoder_tensor_shapes(config):
        if name not in tensors:
            raise ValueError(f"missing encoder tensor {name}")
        if tuple(tensors[name].shape) != shape:
            raise ValueError(f"tensor {name} has shape {tensors[name].shape}, expected {shape}")
        listed.append((name, tensors[name]))
    return pack_tensors(header, listed)


def rewrite_encoder(header: dict, tensors: dict[str, np.ndarray]) -> bytes:
    """Writes a file read by `read_encoder` back, header fields kept in their order."""
    kept = {k: v for k, v in header.items() if k != "tensors"}
    return pack_tensors(kept, [(name, tensors[name]) for name, _ in encoder_tensor_shapes(header["config"])])


def read_encoder(data: bytes, catalog: dict | None = None) -> tuple[dict, dict[str, np.ndarray]]:
    """Parses and validates an encoder file (decodeEncoder's checks), optionally against a catalog's itemCount and dim."""
    header, tensors = unpack_tensors(data)
    if header.get("formatVersion") != ENCODER_FORMAT_VERSION:
        raise FormatError(f"formatVersion {header.get('formatVersion')} is not supported; expected {ENCODER_FORMAT_VERSION}")
    if header.get("architecture") != "sasrec":
        raise FormatError(f"architecture {header.get('architecture')} is not supported; expected sasrec")
    config = header.get("config")
    positive = lambda n: isinstance(n, int) and not isinstance(n, bool) and n > 0  # noqa: E731
    if not isinstance(config, dict) or not all(positive(config.get(k)) for k in ("itemCount", "dim", "maxLen", "blocks", "heads")) or config["dim"] % config["heads"]:
        raise FormatError("the config is missing or malformed")
    for name, shape in encoder_tensor_shapes(config):
        if name not in tensors:
            raise FormatError(f"tensor {name} is missing")
        if tuple(tensors[name].shape) != shape:
            raise FormatError(f"tensor {name} has shape {'x'.join(map(str, tensors[name].shape))}, expected {'x'.join(map(str, shape))}")
        if not np.isfinite(tensors[name]).all():
            raise FormatError(f"tensor {name} holds a non-finite value")
    if catalog and (catalog["dim"] != config["dim"] or catalog["itemCount"] != config["itemCount"]):
        raise FormatError(f"it was trained for {config['itemCount']} items of dimension {config['dim']}, but the catalog has {catalog['itemCount']} items of dimension {catalog['dim']}")
    return header, tensors


def read_catalog(data: bytes) -> dict:
    """The parts of a catalog (docs/catalog-format.md, versions 1–3) the encoder needs: ids, vectors (float32), bias."""
    if len(data) < 16 or data[:8] != CATALOG_MAGIC:
        raise FormatError("bad magic (not a Vitrine catalog)")
    version, length = struct.unpack_from("<II", data, 8)
    if version not in (1, 2, 3):
        raise FormatError(f"catalog format version {version} is not supported")
    header = json.loads(data[16 : 16 + length].decode("utf-8"))
    body = data[16 + length : 16 + length + header["bodyLength"]]
    if hashlib.sha256(body).hexdigest() != header["bodySha256"]:
        raise FormatError("checksum mismatch")
    n, d, dtype = header["itemCount"], header["dim"], header["dtype"]

    def section(name: str) -> bytes:
        s = header["sections"][name]
        return body[s["offset"] : s["offset"] + s["length"]]

    if dtype == "float32":
        vectors = np.frombuffer(section("embeddings"), dtype="<f4").reshape(n, d).astype(np.float32)
    elif dtype == "float16":
        vectors = np.frombuffer(section("embeddings"), dtype="<f2").reshape(n, d).astype(np.float32)
    elif dtype == "int8":
        scales = np.frombuffer(section("scales"), dtype="<f4")
        vectors = np.frombuffer(section("embeddings"), dtype=np.int8).reshape(n, d).astype(np.float32) * scales[:, None]
    else:
        raise FormatError(f"dtype {dtype} is not supported")
    bias = np.frombuffer(section("bias"), dtype="<f4").astype(np.float32)
    if "meta.id" in header["sections"]:
        ids = section("meta.id").decode("utf-8").split("\x00")
    else:
        ids = json.loads(section("metadata").decode("utf-8"))["id"]
    return {"header": header, "itemCount": n, "dim": d, "ids": ids, "vectors": vectors, "bias": bias}
