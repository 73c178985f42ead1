//! Process-wide memory settings for hosts that stream large buffers through the binding.

use napi_derive::napi;

use crate::error::{guard, BindingError, Result};

#[cfg(all(target_os = "linux", target_env = "gnu"))]
extern "C" {
    /// glibc's `mallopt(3)`.
    fn mallopt(param: std::os::raw::c_int, value: std::os::raw::c_int) -> std::os::raw::c_int;
}

/// glibc's `M_MMAP_THRESHOLD`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const M_MMAP_THRESHOLD: std::os::raw::c_int = -3;

fn set_threshold(bytes: u32) -> Result<bool> {
    let value = i32::try_from(bytes)
        .map_err(|_| BindingError::invalid(format!("{bytes} bytes is too large a threshold")))?;
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt takes two integers and only changes the allocator's tuning.
        Ok(unsafe { mallopt(M_MMAP_THRESHOLD, value) } == 1)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = value;
        Ok(false)
    }
}

/// Makes the C allocator (glibc's malloc, which also holds Node's `ArrayBuffer`s) give blocks of `bytes` or more
/// their own mapping, returned to the OS as soon as they are freed. By default glibc raises that threshold each
/// time it frees such a block, up to 32 MB, and from then on serves big blocks from its heap, which a stream of
/// large short-lived buffers (1 MiB file reads) leaves fragmented and resident. Returns whether the setting took
/// (false off glibc).
#[napi]
pub async fn set_malloc_mmap_threshold(bytes: u32) -> napi::Result<bool> {
    guard(async move { set_threshold(bytes) }).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_threshold_beyond_an_int_is_an_invalid_argument() {
        assert!(set_threshold(u32::MAX).is_err());
    }
}
