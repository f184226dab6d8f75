import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/training/sasrec/rng.js';

// The PyTorch trainer draws its batch plan, negatives and validation sample from a Python port of
// the Node trainer's mulberry32 (train/python/vitrine_train/rng.py): the streams must be equal.
const python = process.env.VITRINE_PYTHON ?? '/usr/bin/python3';
const hasPython = spawnSync(python, ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasPython)('train/python random stream', () => {
  it('draws the numbers, integers and shuffles the Node trainer draws', () => {
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(resolve(import.meta.dirname, '../../train/python'))})`,
      'from vitrine_train.rng import Rng',
      'r = Rng(42 ^ 0x5EED)',
      'print(json.dumps({"next": [r.next() for _ in range(500)], "int": [r.int(12101) for _ in range(500)], "shuffle": r.shuffle(list(range(100))), "state": r.state}))',
    ].join('\n');
    const run = spawnSync(python, ['-c', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const py = JSON.parse(run.stdout) as { next: number[]; int: number[]; shuffle: number[]; state: number };
    const r = new Rng(42 ^ 0x5eed);
    expect(py.next).toEqual(Array.from({ length: 500 }, () => r.next()));
    expect(py.int).toEqual(Array.from({ length: 500 }, () => r.int(12101)));
    expect(py.shuffle).toEqual(r.shuffle(Array.from({ length: 100 }, (_, i) => i)));
    expect(py.state).toBe(r.state);
  });
});
