// SPDX-License-Identifier: GPL-2.0

//! Scatter-gather chains handed to a virtqueue.
//!
//! An [`SgChain`] owns the `struct scatterlist` entries of one device request
//! and a scratch buffer for the bytes the driver itself sends or receives
//! (request header, IV, status). The entries are grouped into segments; each
//! segment becomes one list given to `virtqueue_add_sgs`, device-readable
//! segments first.
//!
//! Entries and scratch bytes live on the heap, or in memory the chain borrows
//! from the crypto request it serves (its context, allocated by the crypto
//! API with the request), so that common requests allocate nothing.

use crate::abstractions::sync::zeroize;
use crate::bindings;
use core::{ops::Range, ptr::NonNull};
use kernel::{alloc::Flags, prelude::*};

/// Copies bytes `offset..offset + buf.len()` of the scatterlist `sg` into
/// `buf`: `EINVAL` if the list is shorter (a null list holds no bytes).
///
/// # Safety
///
/// `sg` is null or a valid list (the copy stops at its end marker) whose
/// pages stay mapped for the call, as a crypto request's lists are while the
/// driver owns the request.
pub(crate) unsafe fn read_list(
    sg: *mut bindings::scatterlist,
    offset: usize,
    buf: &mut [u8],
) -> Result {
    // SAFETY: `sg` is null or valid (the caller guarantees it; the helper copies
    // nothing from a null list); `buf` is writable for its length.
    let n =
        unsafe { bindings::vcrs_sg_copy_to_buffer(sg, buf.as_mut_ptr().cast(), buf.len(), offset) };
    if n != buf.len() {
        return Err(EINVAL);
    }
    Ok(())
}

/// Copies `buf` to bytes `offset..` of the scatterlist `sg`: `EINVAL` if the
/// list is shorter.
///
/// # Safety
///
/// As for [`read_list`], and the caller may write the list's bytes (a crypto
/// request's destination, owned by the driver until it completes it).
pub(crate) unsafe fn write_list(
    sg: *mut bindings::scatterlist,
    offset: usize,
    buf: &[u8],
) -> Result {
    // SAFETY: As in `read_list`; the caller may write the list; `buf` is readable
    // for its length.
    let n =
        unsafe { bindings::vcrs_sg_copy_from_buffer(sg, buf.as_ptr().cast(), buf.len(), offset) };
    if n != buf.len() {
        return Err(EINVAL);
    }
    Ok(())
}

/// Maximum number of segments (lists) in one chain.
pub(crate) const MAX_SEGMENTS: usize = 8;

#[derive(Clone, Copy, Default)]
struct Segment {
    start: usize,
    len: usize,
}

/// Fixed-capacity storage of `T`s: on the heap, or borrowed.
///
/// # Invariants
///
/// `ptr` is valid for `cap` elements for as long as the value exists and its
/// first `len` elements are initialised; with `heap`, `(ptr, len, cap)` came
/// from `KVec::into_raw_parts`.
struct Area<T> {
    ptr: NonNull<T>,
    len: usize,
    cap: usize,
    heap: bool,
}

impl<T> Area<T> {
    fn heap(cap: usize, flags: Flags) -> Result<Self> {
        let (ptr, len, cap) = KVec::<T>::with_capacity(cap, flags)?.into_raw_parts();
        Ok(Self {
            // INVARIANT: From `into_raw_parts` of a vector with that capacity.
            ptr: NonNull::new(ptr).ok_or(ENOMEM)?,
            len,
            cap,
            heap: true,
        })
    }

    /// # Safety
    ///
    /// `ptr` must be valid for writes of `cap` elements, suitably aligned, and
    /// not used by anyone else for as long as the area exists.
    unsafe fn borrowed(ptr: NonNull<T>, cap: usize) -> Self {
        // INVARIANT: As the caller guarantees; nothing is initialised yet.
        Self {
            ptr,
            len: 0,
            cap,
            heap: false,
        }
    }

    fn push(&mut self, v: T) -> Result<&mut T> {
        if self.len == self.cap {
            return Err(EINVAL);
        }
        // SAFETY: `len < cap`: the slot is within the area and not initialised.
        let slot = unsafe {
            let slot = self.ptr.as_ptr().add(self.len);
            slot.write(v);
            &mut *slot
        };
        self.len += 1;
        Ok(slot)
    }

    fn as_slice(&self) -> &[T] {
        // SAFETY: The first `len` elements are initialised.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: As above; `&mut self` gives exclusive access.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }

    fn as_mut_ptr(&mut self) -> *mut T {
        self.ptr.as_ptr()
    }
}

impl Area<u8> {
    /// Makes the first `len` bytes (at most the capacity) initialised zeros,
    /// with one `memset` rather than a push per byte.
    fn zero_fill(&mut self, len: usize) {
        let len = len.min(self.cap);
        // SAFETY: The first `len` bytes are within the area; bytes need no drop.
        unsafe { core::ptr::write_bytes(self.ptr.as_ptr(), 0, len) };
        // INVARIANT: They are initialised now.
        self.len = self.len.max(len);
    }
}

impl<T> Drop for Area<T> {
    fn drop(&mut self) {
        if self.heap {
            // SAFETY: By the type invariant these are the raw parts of a vector.
            drop(unsafe { KVec::from_raw_parts(self.ptr.as_ptr(), self.len, self.cap) });
        } else {
            // SAFETY: The first `len` elements are initialised and dropped only here.
            unsafe { core::ptr::drop_in_place(self.as_mut_slice()) };
        }
    }
}

/// Room a chain may borrow instead of allocating: `entries` scatterlist
/// entries, then `scratch` bytes.
pub(crate) const fn borrowed_bytes(entries: usize, scratch: usize) -> usize {
    entries * core::mem::size_of::<bindings::scatterlist>() + scratch
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
    entries: Area<bindings::scatterlist>,
    scratch: Area<u8>,
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
        let entries = Area::heap(max_entries, flags)?;
        let scratch = Area::heap(scratch_len, flags)?;
        Ok(Self::with(entries, scratch, scratch_len))
    }

    /// Creates a chain like [`Self::new`] in the `room` bytes at `buf`,
    /// without allocating; `None` if they do not fit.
    ///
    /// # Safety
    ///
    /// `buf` must be aligned like a scatterlist entry and valid for writes of
    /// `room` bytes, used by nothing else, for as long as the chain exists.
    pub(crate) unsafe fn new_in(
        buf: NonNull<u8>,
        room: usize,
        max_entries: usize,
        scratch_len: usize,
    ) -> Option<Self> {
        if borrowed_bytes(max_entries, scratch_len) > room {
            return None;
        }
        let at = max_entries * core::mem::size_of::<bindings::scatterlist>();
        // SAFETY: The entries, then the scratch bytes, fit in the caller's buffer (checked
        // above), which is suitably aligned for the entries and exclusively ours.
        let (entries, scratch) = unsafe {
            (
                Area::borrowed(buf.cast(), max_entries),
                Area::borrowed(NonNull::new_unchecked(buf.as_ptr().add(at)), scratch_len),
            )
        };
        Some(Self::with(entries, scratch, scratch_len))
    }

    fn with(entries: Area<bindings::scatterlist>, mut scratch: Area<u8>, len: usize) -> Self {
        scratch.zero_fill(len);
        Self {
            entries,
            scratch,
            segs: [Segment::default(); MAX_SEGMENTS],
            nsegs: 0,
            nout: 0,
            heads: [core::ptr::null_mut(); MAX_SEGMENTS],
        }
    }

    /// The scratch bytes.
    pub(crate) fn scratch(&self) -> &[u8] {
        self.scratch.as_slice()
    }

    /// The scratch bytes, to fill in before the chain is handed to the device.
    pub(crate) fn scratch_mut(&mut self) -> &mut [u8] {
        self.scratch.as_mut_slice()
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
            start: self.entries.len,
            len: 0,
        };
        self.nsegs += 1;
        Ok(())
    }

    fn push_entry(&mut self) -> Result<*mut bindings::scatterlist> {
        let entry: *mut _ = self.entries.push(bindings::scatterlist::default())?;
        self.segs[self.nsegs - 1].len += 1;
        Ok(entry)
    }

    /// Adds a segment made of the scratch bytes in `range`, readable by the
    /// device (`device_writable == false`) or writable by it.
    pub(crate) fn push_scratch(&mut self, range: Range<usize>, device_writable: bool) -> Result {
        if range.start >= range.end || range.end > self.scratch.len {
            return Err(EINVAL);
        }
        let len = u32::try_from(range.end - range.start)?;
        self.begin_segment(device_writable)?;
        let buf = self.scratch.as_mut_slice()[range].as_mut_ptr();
        let entry = self.push_entry()?;
        // SAFETY: `entry` points to an entry of `self.entries`; `buf` points to `len` bytes
        // of the scratch area, which lives (unmoved) as long as the chain.
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
                // SAFETY: `j` is below `entries.len`, so it is an initialised entry.
                let entry = unsafe { base.add(j) };
                if j + 1 == seg.start + seg.len {
                    // SAFETY: `entry` is valid.
                    unsafe { bindings::vcrs_sg_mark_end(entry) };
                } else {
                    // SAFETY: `entry` is valid.
                    unsafe { bindings::vcrs_sg_unmark_end(entry) };
                }
            }
            // SAFETY: `seg.start` is below `entries.len`.
            self.heads[n] = unsafe { base.add(seg.start) };
            n += 1;
        }
        let nout = self.segs[..self.nout].iter().filter(|s| s.len > 0).count();
        (self.heads.as_mut_ptr(), nout as u32, (n - nout) as u32)
    }

    /// Bytes described by the device-writable segments.
    pub(crate) fn writable_len(&self) -> usize {
        let entries = self.entries.as_slice();
        self.segs[self.nout..self.nsegs]
            .iter()
            .flat_map(|seg| &entries[seg.start..seg.start + seg.len])
            .map(|e| e.length as usize)
            .sum()
    }

    /// Total number of scatterlist entries (descriptors without indirection).
    pub(crate) fn num_entries(&self) -> usize {
        self.entries.len
    }
}

impl Drop for SgChain {
    fn drop(&mut self) {
        // The scratch area carries keys and IVs.
        zeroize(self.scratch.as_mut_slice());
    }
}
