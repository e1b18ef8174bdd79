// SPDX-License-Identifier: GPL-2.0

//! Scatter-gather chains handed to a virtqueue.
//!
//! An [`SgChain`] owns the `struct scatterlist` entries of one device request
//! and a scratch buffer for the bytes the driver itself sends or receives
//! (request header, IV, status). The entries are grouped into segments; each
//! segment becomes one list given to `virtqueue_add_sgs`, device-readable
//! segments first.

use crate::abstractions::sync::zeroize;
use crate::bindings;
use core::ops::Range;
use kernel::{alloc::Flags, prelude::*};

/// Maximum number of segments (lists) in one chain.
pub(crate) const MAX_SEGMENTS: usize = 8;

#[derive(Clone, Copy, Default)]
struct Segment {
    start: usize,
    len: usize,
}

/// The entries and owned bytes of one device request.
///
/// # Invariants
///
/// - `entries` never grows beyond the capacity it was created with, so its
///   buffer never moves once the chain exists.
/// - `scratch` has a fixed length and is never reallocated; entries that
///   point into it stay valid as long as the chain lives.
/// - Entries of foreign segments point to memory owned by a crypto request
///   whose lifetime the owner of the chain (a [`super::crypto::Job`]) ties to it.
/// - Device-readable segments all come before device-writable ones.
pub(crate) struct SgChain {
    entries: KVec<bindings::scatterlist>,
    scratch: KVec<u8>,
    segs: [Segment; MAX_SEGMENTS],
    nsegs: usize,
    nout: usize,
    heads: [*mut bindings::scatterlist; MAX_SEGMENTS],
}

// SAFETY: The raw pointers refer to memory owned by the chain (or by the request
// bound to it), which may be accessed from any thread.
unsafe impl Send for SgChain {}
// SAFETY: Shared references only read plain data.
unsafe impl Sync for SgChain {}

impl SgChain {
    /// Creates a chain with room for `max_entries` scatterlist entries and a
    /// zeroed scratch buffer of `scratch_len` bytes.
    pub(crate) fn new(max_entries: usize, scratch_len: usize, flags: Flags) -> Result<Self> {
        let entries = KVec::with_capacity(max_entries, flags)?;
        let scratch = KVec::from_elem(0u8, scratch_len, flags)?;
        Ok(Self {
            entries,
            scratch,
            segs: [Segment::default(); MAX_SEGMENTS],
            nsegs: 0,
            nout: 0,
            heads: [core::ptr::null_mut(); MAX_SEGMENTS],
        })
    }

    /// The scratch bytes.
    pub(crate) fn scratch(&self) -> &[u8] {
        &self.scratch
    }

    /// The scratch bytes, to fill in before the chain is handed to the device.
    pub(crate) fn scratch_mut(&mut self) -> &mut [u8] {
        &mut self.scratch
    }

    fn begin_segment(&mut self, device_writable: bool) -> Result {
        if self.nsegs == MAX_SEGMENTS {
            return Err(EINVAL);
        }
        if !device_writable {
            if self.nout != self.nsegs {
                // A readable segment after a writable one.
                return Err(EINVAL);
            }
            self.nout += 1;
        }
        self.segs[self.nsegs] = Segment {
            start: self.entries.len(),
            len: 0,
        };
        self.nsegs += 1;
        Ok(())
    }

    fn push_entry(&mut self) -> Result<*mut bindings::scatterlist> {
        if self.entries.len() == self.entries.capacity() {
            return Err(EINVAL);
        }
        // Cannot fail: there is spare capacity (checked above), so no allocation happens.
        self.entries
            .push(bindings::scatterlist::default(), GFP_ATOMIC)?;
        self.segs[self.nsegs - 1].len += 1;
        let idx = self.entries.len() - 1;
        Ok(&mut self.entries.as_mut_slice()[idx])
    }

    /// Adds a segment made of the scratch bytes in `range`, readable by the
    /// device (`device_writable == false`) or writable by it.
    pub(crate) fn push_scratch(&mut self, range: Range<usize>, device_writable: bool) -> Result {
        if range.start >= range.end || range.end > self.scratch.len() {
            return Err(EINVAL);
        }
        let len = u32::try_from(range.end - range.start)?;
        self.begin_segment(device_writable)?;
        let buf = self.scratch[range].as_mut_ptr();
        let entry = self.push_entry()?;
        // SAFETY: `entry` points to an entry of `self.entries`; `buf` points to `len` bytes
        // of the kmalloc'ed scratch buffer, which lives (unmoved) as long as the chain.
        unsafe { bindings::sg_init_one(entry, buf.cast(), len) };
        Ok(())
    }

    /// Adds a segment describing bytes `skip..skip + len` of the foreign list `sg`.
    ///
    /// # Safety
    ///
    /// `sg` must be a valid scatterlist of at least `skip + len` bytes whose pages
    /// stay valid for as long as the chain may be used by a device.
    pub(super) unsafe fn push_foreign(
        &mut self,
        mut sg: *mut bindings::scatterlist,
        mut skip: usize,
        len: usize,
        device_writable: bool,
    ) -> Result {
        if len == 0 {
            return Ok(());
        }
        self.begin_segment(device_writable)?;
        let mut left = len;
        while left > 0 {
            if sg.is_null() {
                return Err(EINVAL);
            }
            // SAFETY: `sg` is a valid entry of the caller's list.
            let (slen, offset, page) = unsafe {
                (
                    (*sg).length as usize,
                    (*sg).offset,
                    bindings::vcrs_sg_page(sg),
                )
            };
            // Bytes of this entry before the range, and in it.
            let before = skip.min(slen);
            skip -= before;
            let take = (slen - before).min(left);
            if take > 0 {
                let entry = self.push_entry()?;
                let offset = offset + u32::try_from(before)?;
                // SAFETY: `entry` is ours; `page`/`offset` (moved `before` bytes into a valid
                // entry's contiguous range; the helper normalises the page) and `take` stay
                // within that entry, as `before + take <= slen`.
                unsafe { bindings::vcrs_sg_set_page(entry, page, take as u32, offset) };
                left -= take;
            }
            // SAFETY: `sg` is valid; `sg_next` follows chain links and returns NULL at the end.
            sg = unsafe { bindings::sg_next(sg) };
        }
        Ok(())
    }

    /// Terminates each segment and returns the list heads and the numbers of
    /// device-readable and device-writable segments.
    pub(super) fn finish(&mut self) -> (*mut *mut bindings::scatterlist, u32, u32) {
        let base = self.entries.as_mut_ptr();
        let mut n = 0;
        for i in 0..self.nsegs {
            let seg = self.segs[i];
            if seg.len == 0 {
                continue;
            }
            for j in seg.start..seg.start + seg.len {
                // SAFETY: `j` is below `entries.len()`, so it is an initialised entry.
                let entry = unsafe { base.add(j) };
                if j + 1 == seg.start + seg.len {
                    // SAFETY: `entry` is valid.
                    unsafe { bindings::vcrs_sg_mark_end(entry) };
                } else {
                    // SAFETY: `entry` is valid.
                    unsafe { bindings::vcrs_sg_unmark_end(entry) };
                }
            }
            // SAFETY: `seg.start` is below `entries.len()`.
            self.heads[n] = unsafe { base.add(seg.start) };
            n += 1;
        }
        let nout = self.segs[..self.nout].iter().filter(|s| s.len > 0).count();
        (self.heads.as_mut_ptr(), nout as u32, (n - nout) as u32)
    }

    /// Total number of scatterlist entries (descriptors without indirection).
    pub(crate) fn num_entries(&self) -> usize {
        self.entries.len()
    }
}

impl Drop for SgChain {
    fn drop(&mut self) {
        // The scratch area carries keys and IVs.
        zeroize(&mut self.scratch);
    }
}
