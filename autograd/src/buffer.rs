//! Recycled f32 buffers.
//!
//! A fresh large allocation is not free: glibc maps it anew from the kernel, and the
//! first write to each 4 KiB page faults (and, with a second thread running, makes
//! the kernel flush the other core's TLB). A training step allocates the same sizes
//! every time, so buffers of freed tensors are kept here, per thread, and handed out
//! again. Measured on the MLP 784-256-256-10 step (batch 128, 2 cores): 3.0 ms with
//! fresh allocations, 0.85 ms with recycling (see benches/README.md).
//!
//! Only buffers of at least `MIN_POOLED` elements are kept (small ones are cheap to
//! allocate), at most `MAX_BUFFERS` of them and `MAX_BYTES` in all.

use std::cell::RefCell;

const MIN_POOLED: usize = 4096;
const MAX_BUFFERS: usize = 256;
const MAX_BYTES: usize = 512 << 20;

struct Pool {
    free: Vec<Vec<f32>>,
    bytes: usize,
}

thread_local! {
    static POOL: RefCell<Pool> = const { RefCell::new(Pool { free: Vec::new(), bytes: 0 }) };
}

/// A pooled buffer with capacity in len..=2*len, the one `rank` puts first.
fn reuse(len: usize, rank: impl Fn(&Vec<f32>) -> (usize, usize)) -> Option<Vec<f32>> {
    if len < MIN_POOLED {
        return None;
    }
    POOL.try_with(|pool| {
        let mut pool = pool.borrow_mut();
        let best = (0..pool.free.len())
            .filter(|&i| (len..=2 * len).contains(&pool.free[i].capacity()))
            .min_by_key(|&i| rank(&pool.free[i]))?;
        let buffer = pool.free.swap_remove(best);
        pool.bytes -= buffer.capacity() * 4;
        Some(buffer)
    })
    .ok()
    .flatten()
}

/// An empty vector with room for `len` values: a recycled one when one fits (the
/// smallest with capacity in len..=2*len), else a new one.
pub(crate) fn take(len: usize) -> Vec<f32> {
    match reuse(len, |b| (b.capacity(), 0)) {
        Some(mut buffer) => {
            buffer.clear();
            buffer
        }
        None => Vec::with_capacity(len),
    }
}

/// `len` values for a caller that overwrites every one of them (an sgemm with
/// beta = 0, im2col): a recycled buffer keeps the values it held instead of being
/// zeroed first, which for a convolution's 7 MB buffers was a tenth of the backward
/// pass (benches/README.md). Safe: a recycled buffer still holds the values it had
/// when it was given back (`recycle` keeps its length), and any part beyond them is
/// zeroed.
pub(crate) fn scratch(len: usize) -> Vec<f32> {
    // Prefer the buffer that holds the most of the `len` values (least to zero).
    let mut buffer = reuse(len, |b| (len - b.len().min(len), b.capacity())).unwrap_or_default();
    buffer.truncate(len);
    buffer.resize(len, 0.0);
    buffer
}

/// `len` zeros.
pub(crate) fn zeros(len: usize) -> Vec<f32> {
    let mut buffer = take(len);
    buffer.resize(len, 0.0);
    buffer
}

/// A copy of `values`.
pub(crate) fn copy(values: &[f32]) -> Vec<f32> {
    let mut buffer = take(values.len());
    buffer.extend_from_slice(values);
    buffer
}

/// The values of an iterator of exactly `len` items (panics otherwise). Always
/// inlined, with its own loop rather than `Vec::extend` (which is not), so that the
/// loop is compiled for the caller's instruction set (`simd::widest`).
#[inline(always)]
pub(crate) fn collect(len: usize, values: impl ExactSizeIterator<Item = f32>) -> Vec<f32> {
    assert_eq!(values.len(), len, "buffer::collect: the iterator's length");
    let mut buffer = take(len);
    let mut written = 0;
    for (slot, value) in buffer.spare_capacity_mut()[..len].iter_mut().zip(values) {
        slot.write(value);
        written += 1;
    }
    assert_eq!(written, len, "buffer::collect: the iterator yielded fewer items than it said");
    // SAFETY: the loop wrote the first `written` = `len` slots (asserted just above).
    unsafe { buffer.set_len(len) };
    buffer
}

/// Give a buffer back for reuse (or free it if it is small or the pool is full).
pub(crate) fn recycle(buffer: Vec<f32>) {
    let bytes = buffer.capacity() * 4;
    if buffer.capacity() < MIN_POOLED {
        return;
    }
    let _ = POOL.try_with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.free.len() < MAX_BUFFERS && pool.bytes + bytes <= MAX_BYTES {
            // Kept with its length: `scratch` hands its values out again unzeroed.
            pool.bytes += bytes;
            pool.free.push(buffer);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{recycle, scratch, take, zeros};

    #[test]
    fn scratch_hands_back_old_values_and_take_and_zeros_do_not() {
        let len = 10_000;
        recycle(vec![7.0; len]);
        let reused = scratch(len - 5);
        assert_eq!(reused.len(), len - 5);
        assert!(reused.iter().all(|&v| v == 7.0), "scratch zeroed a recycled buffer");
        // Room for more than it holds: the values it holds, then zeros.
        let mut roomy = Vec::with_capacity(2 * len);
        roomy.resize(len, 7.0);
        recycle(roomy);
        let longer = scratch(len + 5);
        assert!(longer[..len].iter().all(|&v| v == 7.0) && longer[len..].iter().all(|&v| v == 0.0));
        assert!(take(len).is_empty());
        recycle(vec![7.0; len]);
        assert!(zeros(len).iter().all(|&v| v == 0.0));
    }
}
