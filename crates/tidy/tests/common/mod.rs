//! Reading the tree: the workspace root, and source files with their test code set aside.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/tidy sits two levels below the root")
        .to_path_buf()
}

/// One Rust source file, named relative to the workspace root.
pub struct SourceFile {
    pub rel: String,
    pub text: String,
}

impl SourceFile {
    pub fn from_text(rel: &str, text: &str) -> SourceFile {
        SourceFile {
            rel: rel.to_string(),
            text: text.to_string(),
        }
    }

    /// Written by a generator (its header says so): size rules do not apply.
    pub fn generated(&self) -> bool {
        self.text.lines().take(5).any(|l| l.contains("@generated"))
    }

    /// The lines of code (1-based numbers): no blank lines, no comments, and no
    /// `#[cfg(test)]` items.
    pub fn code_lines(&self) -> impl Iterator<Item = (usize, &str)> {
        let mut out = Vec::new();
        let mut lines = self.text.lines().enumerate().peekable();
        while let Some((i, line)) = lines.next() {
            let t = line.trim();
            if t == "#[cfg(test)]" {
                // Skip the item that follows: a `mod x;` line, or a braced item.
                let mut depth = 0i32;
                let mut opened = false;
                for (_, l) in lines.by_ref() {
                    for c in code_part(l).chars() {
                        match c {
                            '{' => {
                                depth += 1;
                                opened = true;
                            }
                            '}' => depth -= 1,
                            _ => {}
                        }
                    }
                    if (opened && depth <= 0) || (!opened && l.trim_end().ends_with(';')) {
                        break;
                    }
                }
                continue;
            }
            if t.is_empty() || t.starts_with("//") {
                continue;
            }
            out.push((i + 1, line));
        }
        out.into_iter()
    }
}

/// The part of a line before a `//` comment (good enough for brace counting).
fn code_part(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// The `.rs` files below `dir` that are not tests: files named `tests.rs` or `*_tests.rs`,
/// and anything under a `tests/` folder, are left out.
pub fn library_sources(dir: &Path) -> Vec<SourceFile> {
    let root = workspace_root();
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            if p.is_dir() {
                if name != "tests" {
                    stack.push(p);
                }
                continue;
            }
            if !name.ends_with(".rs") || name == "tests.rs" || name.ends_with("_tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let rel = p.strip_prefix(&root).unwrap_or(&p).to_string_lossy().replace('\\', "/");
            out.push(SourceFile { rel, text });
        }
    }
    out
}
