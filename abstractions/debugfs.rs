// SPDX-License-Identifier: GPL-2.0

//! Read-only debugfs files whose text a Rust value writes (the kernel crate
//! of 6.12 has no debugfs). Best effort, as debugfs is meant to be: a
//! directory or file that cannot be created is simply absent, never an error.

use crate::bindings;
use core::ptr::NonNull;
use kernel::{prelude::*, str::CStr, sync::Arc};

/// A value that shows itself as the text of a debugfs file.
pub(crate) trait Show: Send + Sync + 'static {
    /// Writes the file's text.
    fn show(&self, out: &mut SeqFile<'_>);
}

/// The text of a debugfs file being read, written with `write!`.
pub(crate) struct SeqFile<'a> {
    m: NonNull<bindings::seq_file>,
    _p: core::marker::PhantomData<&'a mut bindings::seq_file>,
}

impl core::fmt::Write for SeqFile<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        // SAFETY: `m` is the seq_file of the read in progress (see `show_entry`), valid
        // for the lifetime of `self`; `s` is readable for its length. A full buffer is
        // seq_file's business (it retries with a larger one).
        unsafe { bindings::seq_write(self.m.as_ptr(), s.as_ptr().cast(), s.len()) };
        Ok(())
    }
}

/// What the C side keeps as the file's private data: the function that shows
/// it first (`struct vcrs_debugfs_entry` in helpers.c), then the value.
#[repr(C)]
struct Entry<T: Show> {
    show: unsafe extern "C" fn(*mut bindings::vcrs_debugfs_entry, *mut bindings::seq_file),
    data: Arc<T>,
}

/// # Safety
///
/// `e` must be the `Entry<T>` a [`Dir`] created the file with, still alive, and
/// `m` the seq_file of a read of that file in progress.
unsafe extern "C" fn show_entry<T: Show>(
    e: *mut bindings::vcrs_debugfs_entry,
    m: *mut bindings::seq_file,
) {
    // SAFETY: As the caller guarantees: `e` points to a live `Entry<T>` (`#[repr(C)]`,
    // `show` first), which the directory frees only after removing the file, and debugfs
    // waits for reads in progress before a removal returns.
    let entry = unsafe { &*e.cast::<Entry<T>>() };
    let Some(m) = NonNull::new(m) else { return };
    entry.data.show(&mut SeqFile {
        m,
        _p: core::marker::PhantomData,
    });
}

/// The private data of a file, as the C side sees it.
type EntryPtr = NonNull<bindings::vcrs_debugfs_entry>;

/// A debugfs directory and the files in it, removed (with everything in it)
/// when dropped.
///
/// # Invariants
///
/// `dentry` is what `debugfs_create_dir` returned (a directory, or an error
/// pointer that debugfs functions accept and ignore), not removed yet. `parent`
/// keeps the parent directory from being removed first (its removal would free
/// this directory's dentry). Every entry in `entries` is the private data of a
/// file in this directory, freed by its `free` only after the directory is
/// removed.
pub(crate) struct Dir {
    dentry: *mut bindings::dentry,
    entries: KVec<(EntryPtr, unsafe fn(EntryPtr))>,
    _parent: Option<Arc<Dir>>,
}

// SAFETY: debugfs functions may be called from any thread; the entries are `Send + Sync`
// values behind pointers only the directory frees.
unsafe impl Send for Dir {}
// SAFETY: Shared access only reads `dentry` (to create children).
unsafe impl Sync for Dir {}

/// Frees an entry made by [`Dir::file`].
///
/// # Safety
///
/// `e` must come from `KBox::into_raw` of an `Entry<T>` and no file may use it.
unsafe fn free_entry<T: Show>(e: EntryPtr) {
    // SAFETY: As the caller guarantees.
    drop(unsafe { KBox::from_raw(e.as_ptr().cast::<Entry<T>>()) });
}

impl Dir {
    /// The directory `name` at the top of debugfs, or in `parent`.
    pub(crate) fn new(name: &CStr, parent: Option<Arc<Dir>>) -> Self {
        let p = parent.as_ref().map_or(core::ptr::null_mut(), |d| d.dentry);
        // SAFETY: `name` is NUL-terminated; `p` is NULL (the top) or a directory that
        // `parent` keeps alive (its type invariant).
        let dentry = unsafe { bindings::debugfs_create_dir(name.as_char_ptr(), p) };
        // INVARIANT: From `debugfs_create_dir`; the parent is held.
        Self {
            dentry,
            entries: KVec::new(),
            _parent: parent,
        }
    }

    /// Adds the read-only file `name` whose text `data` writes, for as long as
    /// the directory exists. Fails only when out of memory.
    pub(crate) fn file<T: Show>(&mut self, name: &CStr, data: Arc<T>) -> Result {
        self.entries.reserve(1, GFP_KERNEL)?;
        let entry = KBox::new(
            Entry {
                show: show_entry::<T>,
                data,
            },
            GFP_KERNEL,
        )?;
        let e = KBox::into_raw(entry).cast::<bindings::vcrs_debugfs_entry>();
        // SAFETY: `e` is non-NULL (from `KBox::into_raw`).
        let e = unsafe { NonNull::new_unchecked(e) };
        // INVARIANT: The entry is recorded before the file can use it, and freed only in
        // `drop`, after the directory (and the file with it) is removed.
        self.entries.push((e, free_entry::<T>), GFP_KERNEL)?;
        // SAFETY: `name` is NUL-terminated; `self.dentry` is this directory (or an error
        // pointer, which makes this a no-op); `e` outlives the file (see above).
        unsafe { bindings::vcrs_debugfs_create_entry(name.as_char_ptr(), self.dentry, e.as_ptr()) };
        Ok(())
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        // SAFETY: By the type invariant `dentry` was not removed yet, and no child
        // directory is left (each holds a reference to this one). `debugfs_remove` waits
        // for reads in progress, so no file uses an entry after it returns.
        unsafe { bindings::debugfs_remove(self.dentry) };
        for &(e, free) in self.entries.iter() {
            // SAFETY: Each entry came from `KBox::into_raw` in `file` with the matching
            // `free`, and its file is gone.
            unsafe { free(e) };
        }
    }
}
