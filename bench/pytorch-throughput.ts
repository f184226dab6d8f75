// Training throughput of the PyTorch trainer (train/python) for 1 and 2 processes on this
// machine: examples (next-item predictions) per second over the same steps of the same batch
// plan, Amazon Beauty, the shipped encoder settings. Configurations run in turns, round after
// round, so that the machine's other load falls on all of them alike.
//
//   npx tsx bench/pytorch-throughput.ts [--rounds 3] [--steps 30] [--data ../shared/data]
//
// Writes bench/results/pytorch-throughput.json. Not part of `npm test`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SASREC_MODEL } from './sasrec-settings.js';

const root = resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const python = process.env.VITRINE_PYTHON ?? '/usr/bin/python3';
const data = resolve(arg('data', process.env.VITRINE_DATA ?? join(root, '../shared/data')));
const rounds = Number(arg('rounds', '3'));
const steps = Number(arg('steps', '30'));
// Debian's PyTorch takes the system BLAS; OpenBLAS (libopenblas0-pthread) is ≈ 7× faster than the reference one here.
const openblas = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
const env = existsSync(openblas) ? { ...process.env, LD_LIBRARY_PATH: openblas } : process.env;
const SETTINGS = [...SASREC_MODEL, '--seed', '42'];
const CONFIGS = [
  { processes: 1, threads: 1 },
  { processes: 2, threads: 1 },
  { processes: 1, threads: 2 },
];

interface RunLog {
  blas: string;
  torch: string;
  epochs: Array<{ examples: number; trainSeconds: number; examplesPerSecond: number; examplesPerCpuSecond: number; steps: number }>;
}

const work = mkdtempSync(join(tmpdir(), 'vitrine-torch-bench-'));
const results = CONFIGS.map((c) => ({ ...c, examplesPerSecond: [] as number[], examplesPerCpuSecond: [] as number[], examples: 0, steps: 0 }));
let last: RunLog | undefined;
const load = [loadavg()[0]!];
for (let round = 0; round < rounds; round++) {
  for (const [i, c] of CONFIGS.entries()) {
    const logJson = join(work, `run-${round}-${i}.json`);
    const command = [
      'train/python/train.py',
      '--log',
      `${data}/amazon-beauty/Beauty.txt`,
      '--format',
      'sequences',
      ...SETTINGS,
      '--encoder-fit-all',
      '--encoder-epochs',
      '1',
      '--steps-per-epoch',
      String(steps),
      '--processes',
      String(c.processes),
      '--threads',
      String(c.threads),
      '--device',
      'cpu',
      '--quiet',
      '--log-json',
      logJson,
    ];
    execFileSync(python, command, { cwd: root, env, stdio: 'inherit' });
    last = JSON.parse(readFileSync(logJson, 'utf8')) as RunLog;
    const epoch = last.epochs[0]!;
    results[i]!.examplesPerSecond.push(Math.round(epoch.examplesPerSecond));
    results[i]!.examplesPerCpuSecond.push(Math.round(epoch.examplesPerCpuSecond));
    results[i]!.examples = epoch.examples;
    results[i]!.steps = epoch.steps;
    console.log(
      `round ${round + 1}: ${c.processes} process(es) × ${c.threads} thread(s): ${epoch.examplesPerSecond.toFixed(0)} examples/s, ${epoch.examplesPerCpuSecond.toFixed(0)} per CPU-second (${epoch.examples} examples in ${epoch.trainSeconds.toFixed(1)} s)`,
    );
    load.push(loadavg()[0]!);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const one = median(results[0]!.examplesPerSecond);
const report = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    note: "shared with other sessions' work; load average (1 min) sampled between runs below; this repository's own training runs paused (SIGSTOP) meanwhile",
  },
  torch: last?.torch,
  blas: last?.blas,
  dataset: 'amazon-beauty',
  settings: 'SASRec d 64, maxLen 50, 2 blocks, 1 head, dropout 0.3, batch 256 sequences (≤ 4,096 positions), 1,024 sampled negatives + in-batch, Adam',
  example: 'one next-item prediction (one position of one training sequence)',
  steps,
  rounds,
  // examplesPerCpuSecond: examples over the CPU time of all processes (every thread): what the
  // work costs, apart from how much of the shared cores the machine gave the run.
  runs: results.map((r) => ({
    ...r,
    median: median(r.examplesPerSecond),
    medianPerCpuSecond: median(r.examplesPerCpuSecond),
    speedupVsOneProcess: Number((median(r.examplesPerSecond) / one).toFixed(2)),
  })),
  loadAverage: load.map((x) => Number(x.toFixed(2))),
  command: `npx tsx bench/pytorch-throughput.ts --rounds ${rounds} --steps ${steps}`,
};
writeFileSync(join(root, 'bench/results/pytorch-throughput.json'), JSON.stringify(report, null, 2) + '\n');
console.log(
  JSON.stringify(
    report.runs.map((r) => ({
      processes: r.processes,
      threads: r.threads,
      median: r.median,
      perCpuSecond: r.medianPerCpuSecond,
      speedup: r.speedupVsOneProcess,
    })),
  ),
);
