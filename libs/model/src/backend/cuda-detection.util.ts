/**
 * tfjs-node-gpu loads libtensorflow with GPU support, but TensorFlow only opens CUDA when it finds the exact runtime
 * it was built for (CUDA 11.2, cuDNN 8.1); otherwise it logs a line and runs every kernel on the CPU. Whether it
 * really opened CUDA shows in the process's memory map after the first op: the CUDA runtime and cuDNN are mapped.
 */
const CUDA_RUNTIME = /libcudart\.so/;
const CUDNN = /libcudnn(_ops_infer)?\.so/;
const DRIVER = /libcuda\.so/;

export interface CudaMapping {
  readonly driver: boolean;
  readonly runtime: boolean;
  readonly cudnn: boolean;
}

/** Reads `/proc/self/maps` text. */
export function cudaLibrariesMapped(procMaps: string): CudaMapping {
  return { driver: DRIVER.test(procMaps), runtime: CUDA_RUNTIME.test(procMaps), cudnn: CUDNN.test(procMaps) };
}

export function runsOnGpu(mapping: CudaMapping): boolean {
  return mapping.driver && mapping.runtime && mapping.cudnn;
}
