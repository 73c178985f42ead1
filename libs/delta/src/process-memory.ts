import { setMallocMmapThreshold as nativeSetMallocMmapThreshold } from '../native/native.js';
import { callNative } from './errors.js';

/**
 * Makes the C allocator (glibc's malloc, which also holds Node's `ArrayBuffer`s) map blocks of `bytes` or more on
 * their own, returned to the OS as soon as they are freed, instead of keeping them in a heap that a stream of large
 * short-lived buffers leaves fragmented. Process-wide; returns whether it took (false off glibc).
 */
export async function setMallocMmapThreshold(bytes: number): Promise<boolean> {
  return callNative(() => nativeSetMallocMmapThreshold(bytes));
}
