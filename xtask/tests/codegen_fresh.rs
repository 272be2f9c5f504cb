//! The committed generated code is what the committed model generates: after changing the
//! model (or the generator), `cargo run -p xtask -- codegen` must be run and its output
//! committed. Compared as token streams, so layout does not matter (rustfmt's line breaks and
//! trailing commas) but every name, attribute, value and doc comment does.

use std::path::Path;
use std::str::FromStr;

use proc_macro2::{Group, TokenStream, TokenTree};

#[test]
fn generated_code_matches_the_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let json = std::fs::read_to_string(root.join(xtask::codegen::MODEL)).unwrap();
    let generated = xtask::codegen::generate(&json).unwrap();
    let dir = root.join(xtask::codegen::OUT_DIR);
    for (name, text) in &generated.files {
        let path = dir.join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        let fresh = tokens(text);
        let on_disk = tokens(&committed);
        let at = fresh.bytes().zip(on_disk.bytes()).take_while(|(a, b)| a == b).count();
        assert!(
            fresh == on_disk,
            "{} is out of date with {}: run `cargo run -p xtask -- codegen`\n generated: …{}\n committed: …{}",
            path.display(),
            xtask::codegen::MODEL,
            excerpt(&fresh, at),
            excerpt(&on_disk, at)
        );
    }
}

fn excerpt(s: &str, at: usize) -> String {
    s.chars().skip(at.saturating_sub(40)).take(160).collect()
}

/// The tokens of a file, with the commas before a closing bracket dropped (rustfmt adds them
/// where it breaks a list over lines).
fn tokens(text: &str) -> String {
    fn normalize(stream: TokenStream) -> Vec<TokenTree> {
        let mut out: Vec<TokenTree> = Vec::new();
        for tree in stream {
            match tree {
                TokenTree::Group(g) => {
                    let mut inner = normalize(g.stream());
                    if matches!(inner.last(), Some(TokenTree::Punct(p)) if p.as_char() == ',') {
                        inner.pop();
                    }
                    out.push(TokenTree::Group(Group::new(g.delimiter(), inner.into_iter().collect())));
                }
                other => out.push(other),
            }
        }
        out
    }
    match TokenStream::from_str(text) {
        Ok(stream) => normalize(stream).into_iter().collect::<TokenStream>().to_string(),
        Err(e) => format!("<not Rust: {e}>"),
    }
}
