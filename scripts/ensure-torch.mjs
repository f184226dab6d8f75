// The PyTorch parity test (test/browser/pytorch-parity.spec.ts) needs PyTorch for the system
// Python. On Debian it comes from `python3-torch` (1.13.1 for /usr/bin/python3, ≈ 225 packages,
// docs/pytorch-training.md): installs it with apt-get when it is missing and we are root.
// Never fails `npm test`: where it cannot be installed, the parity test skips and says why.
import { execSync, spawnSync } from 'node:child_process';

const python = process.env.VITRINE_PYTHON ?? '/usr/bin/python3';
const hasTorch = () => spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;

if (!hasTorch()) {
  if (process.getuid?.() !== 0 || python !== '/usr/bin/python3') {
    console.warn(
      `PyTorch is missing for ${python}: the PyTorch parity test will be skipped. Install it (Debian: sudo apt-get install -y python3-torch) or set VITRINE_PYTHON.`,
    );
  } else {
    console.log("Installing PyTorch from Debian's packages (python3-torch)…");
    try {
      execSync(
        'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch)',
        { stdio: 'inherit' },
      );
    } catch {
      console.warn('apt-get could not install python3-torch: the PyTorch parity test will be skipped.');
    }
  }
}
