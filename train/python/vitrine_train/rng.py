"""mulberry32, bit for bit the generator of src/training/sasrec/rng.ts.

The trainer draws its batch plan, its sampled negatives and its validation sample from this
stream, exactly as the Node trainer does: with the same seed both trainers see the same batches
in the same order (only the weight initialisation and the dropout masks differ).
"""

MASK = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & MASK


class Rng:
    def __init__(self, state: int) -> None:
        self.state = state & MASK

    def next(self) -> float:
        self.state = (self.state + 0x6D2B79F5) & MASK
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296

    def int(self, n: int) -> int:
        return int(self.next() * n)

    def shuffle(self, xs: list) -> list:
        for i in range(len(xs) - 1, 0, -1):
            j = self.int(i + 1)
            xs[i], xs[j] = xs[j], xs[i]
        return xs
