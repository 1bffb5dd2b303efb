/*!
What a replaced file keeps besides its new bytes: owner and group, mode,
extended attributes (POSIX ACLs included).

A replacement is a new file renamed over the old one, so it starts owned
by whoever runs zhtidy, with no ACL and no extended attribute. [`apply`]
gives it the old file's, in an order that makes each step stick:

1. owner and group (`fchown`): root can always give the file back to its
   owner; another user can only keep a group they belong to. Changing
   the owner clears set-user-ID and file capabilities, so it comes first.
2. extended attributes (Linux): every one the old file has, copied exactly;
   one that cannot be copied is an error and the file is not replaced.
   Other Unix systems copy none (there is no portable interface).
3. mode (`fchmod`), last: it also sets an ACL's mask, which must end as
   the old file had it. Set-user-ID and set-group-ID are kept only when
   the owner and group are: copied onto a file now owned by someone else,
   they would run that person's program with the old owner's rights (or
   the reverse: a user's program with root's).

It runs after the bytes are written: writing to a file clears set-user-ID
and file capabilities again.
*/

use std::fs::{self, File};
use std::io;
use std::path::Path;

/// The set-user-ID and set-group-ID bits (POSIX values).
#[cfg(unix)]
const SET_ID: u32 = 0o6000;

/// Why the old file's metadata could not be carried over.
#[derive(Debug)]
pub(super) enum Lost {
    /// `fchown`/`fchmod` failed for another reason than permission.
    Io(io::Error),
    /// An extended attribute could not be copied.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Xattr { name: String, source: io::Error },
}

/// Gives the open replacement `new` the owner, extended attributes and
/// mode of `old`, the metadata of the file at `old_path`.
#[cfg(unix)]
pub(super) fn apply(new: &File, old: &fs::Metadata, old_path: &Path) -> Result<(), Lost> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let owner_kept = keep_owner(new, old).map_err(Lost::Io)?;
    copy_xattrs(old_path, new)?;
    let mut mode = old.mode() & 0o7777;
    if !owner_kept {
        mode &= !SET_ID;
    }
    new.set_permissions(fs::Permissions::from_mode(mode))
        .map_err(Lost::Io)
}

#[cfg(not(unix))]
pub(super) fn apply(new: &File, old: &fs::Metadata, _old_path: &Path) -> Result<(), Lost> {
    new.set_permissions(old.permissions()).map_err(Lost::Io)
}

/// Gives `new` the owner and group of `old`; false when that is not
/// allowed (not root, or a group the user is not in).
#[cfg(unix)]
fn keep_owner(new: &File, old: &fs::Metadata) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let now = new.metadata()?;
    if now.uid() == old.uid() && now.gid() == old.gid() {
        return Ok(true);
    }
    match std::os::unix::fs::fchown(new, Some(old.uid()), Some(old.gid())) {
        Ok(()) => Ok(true),
        // EINVAL: an id this user namespace cannot map.
        Err(e) if matches!(e.raw_os_error(), Some(libc::EPERM) | Some(libc::EINVAL)) => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(target_os = "linux")]
fn copy_xattrs(from: &Path, to: &File) -> Result<(), Lost> {
    super::xattr::copy(from, to).map_err(|f| Lost::Xattr {
        name: f.name,
        source: f.source,
    })
}

#[cfg(all(unix, not(target_os = "linux")))]
fn copy_xattrs(_from: &Path, _to: &File) -> Result<(), Lost> {
    Ok(())
}
