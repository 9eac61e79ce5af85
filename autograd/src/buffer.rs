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

/// An empty vector with room for `len` values: a recycled one when one fits (the
/// smallest with capacity in len..=2*len), else a new one.
pub(crate) fn take(len: usize) -> Vec<f32> {
    if len < MIN_POOLED {
        return Vec::with_capacity(len);
    }
    let recycled = POOL
        .try_with(|pool| {
            let mut pool = pool.borrow_mut();
            let best = (0..pool.free.len())
                .filter(|&i| (len..=2 * len).contains(&pool.free[i].capacity()))
                .min_by_key(|&i| pool.free[i].capacity())?;
            let buffer = pool.free.swap_remove(best);
            pool.bytes -= buffer.capacity() * 4;
            Some(buffer)
        })
        .ok()
        .flatten();
    recycled.unwrap_or_else(|| Vec::with_capacity(len))
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
pub(crate) fn recycle(mut buffer: Vec<f32>) {
    let bytes = buffer.capacity() * 4;
    if buffer.capacity() < MIN_POOLED {
        return;
    }
    let _ = POOL.try_with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.free.len() < MAX_BUFFERS && pool.bytes + bytes <= MAX_BYTES {
            buffer.clear();
            pool.bytes += bytes;
            pool.free.push(buffer);
        }
    });
}
