// Shared by the benchmark scripts: the median every BENCHMARKS.md figure reports, and the machine line it names.
import { cpus, loadavg, totalmem } from 'node:os';

/** The median of numbers (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** What a result is only meaningful with: the CPU, cores, memory, Node and the load when the run started. */
export function machineInfo() {
  return {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
