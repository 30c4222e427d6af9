//! `keywarden hook install`: the git pre-commit hook that runs
//! `keywarden scan --staged`.

use std::path::{Path, PathBuf};

use crate::error::ScanError;

/// A line every hook keywarden writes holds; a hook without it is someone
/// else's and is not overwritten without `force`.
pub const HOOK_MARKER: &str = "# keywarden pre-commit hook";

/// What [`install_pre_commit`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Installed {
    /// Wrote a new hook.
    New(PathBuf),
    /// Rewrote keywarden's own hook.
    Updated(PathBuf),
    /// Replaced another hook (`force`).
    Replaced(PathBuf),
}

impl Installed {
    /// The hook file.
    pub fn path(&self) -> &Path {
        match self {
            Self::New(p) | Self::Updated(p) | Self::Replaced(p) => p,
        }
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The hook script: runs `exe` if it is still there, else `keywarden` from
/// `PATH`.
pub fn hook_script(exe: &Path) -> String {
    format!(
        "#!/bin/sh\n\
         {HOOK_MARKER}: blocks commits that add secrets.\n\
         # Written by `keywarden hook install`; delete this file to remove it.\n\
         # Known findings: keywarden scan --write-baseline .keywarden-baseline.json\n\
         KEYWARDEN={}\n\
         [ -x \"$KEYWARDEN\" ] || KEYWARDEN=keywarden\n\
         if [ -f .keywarden-baseline.json ]; then\n\
         \x20 exec \"$KEYWARDEN\" scan --staged --baseline .keywarden-baseline.json\n\
         fi\n\
         exec \"$KEYWARDEN\" scan --staged\n",
        shell_quote(&exe.to_string_lossy())
    )
}

/// Installs the pre-commit hook in the repository holding `dir` (honouring
/// `core.hooksPath`). Refuses to overwrite a hook keywarden did not write
/// unless `force`.
pub fn install_pre_commit(dir: &Path, exe: &Path, force: bool) -> Result<Installed, ScanError> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--git-path", "hooks"])
        .output()
        .map_err(|e| ScanError::Git(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(ScanError::Git(
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        ));
    }
    let hooks = dir.join(String::from_utf8_lossy(&out.stdout).trim_end());
    std::fs::create_dir_all(&hooks).map_err(|e| ScanError::read(&hooks, e))?;
    let path = hooks.join("pre-commit");
    let outcome = match std::fs::read(&path) {
        Ok(existing) => {
            let ours = String::from_utf8_lossy(&existing).contains(HOOK_MARKER);
            if ours {
                Installed::Updated(path.clone())
            } else if force {
                Installed::Replaced(path.clone())
            } else {
                return Err(ScanError::HookExists { path });
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Installed::New(path.clone()),
        Err(e) => return Err(ScanError::read(&path, e)),
    };
    std::fs::write(&path, hook_script(exe)).map_err(|e| ScanError::read(&path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| ScanError::read(&path, e))?;
    }
    Ok(outcome)
}
