//! `git-walk libgit2 REPO` or `git-walk cli REPO`: read every commit of
//! HEAD's history and count the lines and bytes each commit added, the way
//! keywarden's `--git` source needs them. Prints `commits lines bytes`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn libgit2(repo: &str) -> Result<(u64, u64, u64), git2::Error> {
    let repo = git2::Repository::open(repo)?;
    let mut walk = repo.revwalk()?;
    walk.push_head()?;
    let (mut commits, mut lines, mut bytes) = (0, 0, 0);
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(0);
    for id in walk {
        let commit = repo.find_commit(id?)?;
        commits += 1;
        if commit.parent_count() > 1 {
            continue; // like git log -p: no diff for merges
        }
        let tree = commit.tree()?;
        let parent = match commit.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let diff = repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(&mut opts))?;
        diff.foreach(
            &mut |_, _| true,
            None,
            None,
            Some(&mut |_, _, line| {
                if line.origin() == '+' {
                    lines += 1;
                    bytes += line.content().len() as u64;
                }
                true
            }),
        )?;
    }
    Ok((commits, lines, bytes))
}

fn cli(repo: &str) -> std::io::Result<(u64, u64, u64)> {
    let mut child = Command::new("git")
        .args(["-C", repo, "log", "-p", "-U0", "--no-color", "--no-ext-diff"])
        .args(["--format=%x1ecommit %H", "HEAD"])
        .stdout(Stdio::piped())
        .spawn()?;
    let out = child.stdout.take().ok_or(std::io::ErrorKind::BrokenPipe)?;
    let mut reader = BufReader::with_capacity(256 * 1024, out);
    let (mut commits, mut lines, mut bytes) = (0, 0, 0);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if line.starts_with(b"\x1ecommit ") {
            commits += 1;
        } else if line.starts_with(b"+") && !line.starts_with(b"+++ ") {
            lines += 1;
            bytes += line.len() as u64 - 1;
        }
    }
    child.wait()?;
    Ok((commits, lines, bytes))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(repo)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: git-walk libgit2|cli REPO");
        std::process::exit(2);
    };
    let result = match mode.as_str() {
        "libgit2" => libgit2(repo).map_err(|e| e.to_string()),
        _ => cli(repo).map_err(|e| e.to_string()),
    };
    match result {
        Ok((c, l, b)) => println!("{c} {l} {b}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
