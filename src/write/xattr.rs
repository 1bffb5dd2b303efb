/*!
Extended attributes on Linux (`libc`'s `*xattr` calls): what a file
carries besides its bytes and mode — POSIX ACLs (`system.posix_acl_access`),
SELinux labels, file capabilities, user tags. A replacement made by
renaming a new file over the old one starts with none of them, so
[`copy`] carries them over before the rename.
*/

use std::ffi::{CStr, CString};
use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::AsRawFd;
use std::path::Path;

/// An attribute that could not be copied.
#[derive(Debug)]
pub(super) struct Failed {
    pub name: String,
    pub source: io::Error,
}

/// Gives `to` exactly the extended attributes of the file at `from` (not
/// following a symbolic link): each one `from` has is set unless `to`
/// already holds the same value, and each one `to` got on its own (an ACL
/// inherited from the folder's default ACL) is removed. A file system
/// without extended attributes has nothing to copy.
pub(super) fn copy(from: &Path, to: &File) -> Result<(), Failed> {
    let path = CString::new(from.as_os_str().as_bytes()).map_err(|_| Failed {
        name: String::new(),
        source: io::Error::from(io::ErrorKind::InvalidInput),
    })?;
    let wanted = list(|buf| unsafe {
        // SAFETY: a valid C string and a buffer of the length given.
        libc::llistxattr(path.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
    })
    .map_err(failed(c"(list)"))?;
    let fd = to.as_raw_fd();
    for name in &wanted {
        copy_one(&path, fd, name).map_err(failed(name))?;
    }
    remove_extra(fd, &wanted)
}

/// An error about attribute `name`.
fn failed(name: &CStr) -> impl FnOnce(io::Error) -> Failed {
    let name = name.to_string_lossy().into_owned();
    move |source| Failed { name, source }
}

/// Sets `name` on `fd` to its value on `path`, unless already so.
fn copy_one(path: &CStr, fd: libc::c_int, name: &CStr) -> io::Result<()> {
    let value = get(|buf| unsafe {
        // SAFETY: valid C strings and a buffer of the length given.
        libc::lgetxattr(
            path.as_ptr(),
            name.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    })?;
    let Some(value) = value else {
        return Ok(());
    };
    if fd_get(fd, name)?.as_ref() == Some(&value) {
        return Ok(());
    }
    // SAFETY: an open descriptor, a valid C string, a live buffer.
    let r = unsafe { libc::fsetxattr(fd, name.as_ptr(), value.as_ptr().cast(), value.len(), 0) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Removes from `fd` the attributes not in `wanted`.
fn remove_extra(fd: libc::c_int, wanted: &[CString]) -> Result<(), Failed> {
    let present = list(|buf| unsafe {
        // SAFETY: an open descriptor and a buffer of the length given.
        libc::flistxattr(fd, buf.as_mut_ptr().cast(), buf.len())
    })
    .map_err(failed(c"(list)"))?;
    for name in present.iter().filter(|n| !wanted.contains(n)) {
        // SAFETY: an open descriptor and a valid C string.
        if unsafe { libc::fremovexattr(fd, name.as_ptr()) } != 0 {
            let e = io::Error::last_os_error();
            // A security label the system gives every file cannot be
            // removed, and the old file had none to keep.
            if !name.to_bytes().starts_with(b"security.") {
                return Err(failed(name)(e));
            }
        }
    }
    Ok(())
}

/// The value of `name` on an open file; `None` if it has none.
fn fd_get(fd: libc::c_int, name: &CStr) -> io::Result<Option<Vec<u8>>> {
    get(|buf| unsafe {
        // SAFETY: an open descriptor, a valid C string, a buffer of the
        // length given.
        libc::fgetxattr(fd, name.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
    })
}

/// Runs a `*listxattr` call (asking for the size first, again if the list
/// grew meanwhile) and splits the result into names. No support for
/// extended attributes means an empty list.
fn list(call: impl FnMut(&mut [u8]) -> isize) -> io::Result<Vec<CString>> {
    let Some(bytes) = sized(call)? else {
        return Ok(Vec::new());
    };
    Ok(bytes
        .split(|&b| b == 0)
        .filter(|n| !n.is_empty())
        .filter_map(|n| CString::new(n).ok())
        .collect())
}

/// Runs a `*getxattr` call; `None` when the attribute is gone.
fn get(call: impl FnMut(&mut [u8]) -> isize) -> io::Result<Option<Vec<u8>>> {
    sized(call)
}

/// The size-then-fill protocol of the `*xattr` calls. `None` when there
/// is no such attribute or the file system has none.
fn sized(mut call: impl FnMut(&mut [u8]) -> isize) -> io::Result<Option<Vec<u8>>> {
    loop {
        let n = call(&mut []);
        if n < 0 {
            return absent_or(io::Error::last_os_error());
        }
        if n == 0 {
            // The usual case (no attributes): no second call.
            return Ok(Some(Vec::new()));
        }
        let mut buf = vec![0u8; n as usize];
        let m = call(&mut buf);
        if m < 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::ERANGE) {
                continue;
            }
            return absent_or(e);
        }
        buf.truncate(m as usize);
        return Ok(Some(buf));
    }
}

fn absent_or(e: io::Error) -> io::Result<Option<Vec<u8>>> {
    match e.raw_os_error() {
        Some(libc::ENODATA) | Some(libc::ENOTSUP) => Ok(None),
        _ => Err(e),
    }
}
