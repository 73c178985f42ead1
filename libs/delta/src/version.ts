import { bindingVersion as nativeBindingVersion } from '../native/native.js';
import { callNative } from './errors.js';

/** Versions of this binding and of the delta-rs crate it wraps. */
export async function bindingVersion(): Promise<{ readonly binding: string; readonly deltalake: string }> {
  return callNative(() => nativeBindingVersion());
}
