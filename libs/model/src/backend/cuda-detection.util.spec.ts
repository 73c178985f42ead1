import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cudaLibrariesMapped, runsOnGpu } from './cuda-detection.util';

const CPU_ONLY_MAPS = [
  '7f1c2a000000-7f1c2a200000 r-xp 00000000 08:01 123 /usr/lib/x86_64-linux-gnu/libc.so.6',
  '7f1c2b000000-7f1c2f000000 r-xp 00000000 08:01 456 /app/node_modules/@tensorflow/tfjs-node-gpu/lib/libtensorflow.so.2',
].join('\n');
const GPU_MAPS = [
  CPU_ONLY_MAPS,
  '7f1c30000000-7f1c30100000 r-xp 00000000 08:01 789 /usr/lib/x86_64-linux-gnu/libcuda.so.535.104.05',
  '7f1c31000000-7f1c31100000 r-xp 00000000 08:01 790 /usr/local/cuda-11.2/lib64/libcudart.so.11.0',
  '7f1c32000000-7f1c32100000 r-xp 00000000 08:01 791 /usr/lib/x86_64-linux-gnu/libcudnn.so.8.1.1',
].join('\n');

describe('cudaLibrariesMapped', () => {
  it('sees a process that loaded the GPU build without the CUDA runtime as running on the CPU', () => {
    assert.equal(runsOnGpu(cudaLibrariesMapped(CPU_ONLY_MAPS)), false);
  });

  it('sees the driver, the CUDA runtime and cuDNN mapped as running on the GPU', () => {
    assert.deepEqual(cudaLibrariesMapped(GPU_MAPS), { driver: true, runtime: true, cudnn: true });
    assert.equal(runsOnGpu(cudaLibrariesMapped(GPU_MAPS)), true);
  });

  it('needs cuDNN too: the driver and runtime alone leave the GRU kernels on the CPU', () => {
    const withoutCudnn = GPU_MAPS.split('\n')
      .filter((line) => !line.includes('cudnn'))
      .join('\n');
    assert.equal(runsOnGpu(cudaLibrariesMapped(withoutCudnn)), false);
  });
});
