//! Packages built here, good and hostile, against the checks of `unzip.rs`.

use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;

use super::*;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stepwise-code-{name}-{}", std::process::id()));
    let _ = unzip::remove_tree(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

enum Entry<'a> {
    File(&'a str, &'a [u8], u32),
    Dir(&'a str),
    Link(&'a str, &'a str),
}

fn build(entries: &[Entry<'_>]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflate = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for e in entries {
        match e {
            Entry::File(name, data, mode) => {
                w.start_file(*name, deflate.unix_permissions(*mode)).unwrap();
                w.write_all(data).unwrap();
            }
            Entry::Dir(name) => w.add_directory(*name, deflate).unwrap(),
            Entry::Link(name, target) => w.add_symlink(*name, *target, deflate).unwrap(),
        }
    }
    w.finish().unwrap().into_inner()
}

/// Nothing but the packages directory itself (no temp dir, no package) is left.
fn assert_empty(store: &CodeStore) {
    let Ok(entries) = std::fs::read_dir(store.root()) else {
        return; // not even made
    };
    let left: Vec<_> = entries.map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

fn refused(store: &CodeStore, zip: &[u8]) -> CodeError {
    let e = store.add_zip(zip).expect_err("must be refused");
    assert_empty(store);
    e
}

#[test]
fn a_package_is_unpacked_once_read_only_with_aws_hash_and_size() {
    use std::os::unix::fs::PermissionsExt;
    let root = scratch("good");
    let store = CodeStore::open(root.join("code")).unwrap();
    let zip = build(&[
        Entry::File(
            "lambda_function.py",
            b"def lambda_handler(e, c):\n    return e\n",
            0o644,
        ),
        Entry::Dir("lib/"),
        Entry::File("lib/helper.py", b"X = 1\n", 0o644),
        Entry::File("bootstrap", b"#!/bin/sh\n", 0o755),
        Entry::Link("helper.py", "lib/helper.py"),
        Entry::File("./dot/./x.txt", b"x", 0o644),
    ]);
    let p = store.add_zip(&zip).unwrap();
    // AWS's CodeSha256: base64 of the SHA-256 of the zip; CodeSize: the zip's length.
    let digest = Sha256::digest(&zip);
    assert_eq!(p.code_sha256, base64::engine::general_purpose::STANDARD.encode(digest));
    assert_eq!(p.hex_sha256, hex::encode(digest));
    assert_eq!(p.code_size, zip.len() as u64);
    let dir = store.dir_of(&p.hex_sha256);
    assert_eq!(p.location, CodeLocation::Unpacked(dir.clone()));
    assert_eq!(
        std::fs::read_to_string(dir.join("helper.py")).unwrap(),
        "X = 1\n",
        "an internal link works"
    );
    assert_eq!(std::fs::read(dir.join("dot/x.txt")).unwrap(), b"x");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.join("bootstrap")), 0o555, "executable kept, write bits gone");
    assert_eq!(mode(&dir.join("lambda_function.py")), 0o444);
    assert_eq!(mode(&dir.join("lib")), 0o555);
    assert_eq!(mode(&dir), 0o555);
    // The same bytes again: the same directory, nothing else left behind.
    let again = store.add_zip(&zip).unwrap();
    assert_eq!(again, p);
    let mut names: Vec<String> = std::fs::read_dir(store.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [p.hex_sha256.clone(), format!("{}.zip", p.hex_sha256)]);
    assert_eq!(
        std::fs::read(store.zip_of(&p.hex_sha256)).unwrap(),
        zip,
        "the zip is kept"
    );
    unzip::remove_tree(&root).unwrap();
}

#[test]
fn names_that_leave_the_package_are_refused_and_nothing_is_written_outside() {
    let root = scratch("escape");
    let store = CodeStore::open(root.join("code")).unwrap();
    for name in [
        "../evil.txt",
        "a/../../evil.txt",
        "a/b/../../../evil.txt",
        "/tmp/evil.txt",
        "\\evil.txt",
        "..\\evil.txt",
        "C:evil.txt",
        "c:\\evil.txt",
    ] {
        let zip = build(&[
            Entry::File("ok.txt", b"fine", 0o644),
            Entry::File(name, b"pwned", 0o644),
        ]);
        let e = refused(&store, &zip);
        assert!(matches!(e, CodeError::UnsafeEntry { .. }), "{name}: {e}");
        assert_eq!(e.exception(), "InvalidParameterValueException");
        assert_eq!(e.message(), UNZIP_MESSAGE);
    }
    assert!(!root.join("evil.txt").exists());
    assert!(!Path::new("/tmp/evil.txt").exists() || std::fs::read("/tmp/evil.txt").unwrap() != b"pwned");
    unzip::remove_tree(&root).unwrap();
}

#[test]
fn symbolic_links_out_of_the_package_are_refused() {
    let root = scratch("links");
    let store = CodeStore::open(root.join("code")).unwrap();
    let cases: &[&[Entry<'_>]] = &[
        &[Entry::Link("etc", "/etc")],
        &[Entry::Link("up", "..")],
        &[Entry::Link("a/up", "../../x")],
        // Lexically inside, out for real: `a` is the root, so `a/..` is its parent.
        &[Entry::Link("a", "."), Entry::Link("b", "a/..")],
        // Dangling through `..`: what it would reach depends on other links.
        &[Entry::Dir("d/"), Entry::Link("d/x", "../missing/../../y")],
    ];
    for entries in cases {
        let e = refused(&store, &build(entries));
        assert!(matches!(e, CodeError::UnsafeEntry { .. }), "{e}");
    }
    // A link in the package to a file written after it: fine.
    let ok = build(&[
        Entry::Link("lib/current", "../real/v1"),
        Entry::File("real/v1", b"1", 0o644),
    ]);
    let p = store.add_zip(&ok).unwrap();
    assert_eq!(
        std::fs::read(store.dir_of(&p.hex_sha256).join("lib/current")).unwrap(),
        b"1"
    );
    unzip::remove_tree(&root).unwrap();
}

#[test]
fn a_zip_bomb_stops_at_the_limit_counted_in_real_bytes() {
    let root = scratch("bomb");
    let limits = Limits {
        max_unzipped_bytes: 1 << 20,
        max_entries: 10,
    };
    let store = CodeStore::open(root.join("code")).unwrap().with_limits(limits);
    let zeros = vec![0u8; (1 << 20) + 1];
    let bomb = build(&[Entry::File("zeros", &zeros, 0o644)]);
    assert!(bomb.len() < 20_000, "deflate squeezes it: {}", bomb.len());
    let e = refused(&store, &bomb);
    assert!(matches!(e, CodeError::UnzippedTooLarge { limit: 1048576 }), "{e}");
    assert_eq!(e.message(), "Unzipped size must be smaller than 1048576 bytes");
    // Many small files adding up count too.
    let half = vec![0u8; 600 * 1024];
    let split = build(&[Entry::File("a", &half, 0o644), Entry::File("b", &half, 0o644)]);
    assert!(matches!(refused(&store, &split), CodeError::UnzippedTooLarge { .. }));

    // Headers that lie: claim 10 bytes uncompressed (local and central headers) for an
    // entry that inflates to more than the limit.
    let mut liar = bomb.clone();
    patch_sizes(&mut liar, 10);
    let e = refused(&store, &liar);
    assert!(
        matches!(e, CodeError::UnzippedTooLarge { .. } | CodeError::Unreadable { .. }),
        "{e}"
    );
    // AWS's figure by default.
    assert_eq!(
        CodeError::UnzippedTooLarge {
            limit: MAX_UNZIPPED_BYTES
        }
        .message(),
        "Unzipped size must be smaller than 262144000 bytes"
    );
    unzip::remove_tree(&root).unwrap();
}

/// Overwrites the uncompressed size of every local and central header.
fn patch_sizes(zip: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 4 <= zip.len() {
        match &zip[i..i + 4] {
            [0x50, 0x4b, 0x03, 0x04] if i + 26 <= zip.len() => zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
            [0x50, 0x4b, 0x01, 0x02] if i + 28 <= zip.len() => zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
            _ => {}
        }
        i += 1;
    }
}

#[test]
fn too_many_entries_and_too_large_zips_are_refused() {
    let root = scratch("many");
    let limits = Limits {
        max_unzipped_bytes: MAX_UNZIPPED_BYTES,
        max_entries: 10,
    };
    let store = CodeStore::open(root.join("code")).unwrap().with_limits(limits);
    let names: Vec<String> = (0..11).map(|i| format!("f{i}")).collect();
    let entries: Vec<Entry<'_>> = names.iter().map(|n| Entry::File(n, b"", 0o644)).collect();
    let e = refused(&store, &build(&entries));
    assert!(matches!(e, CodeError::TooManyEntries { count: 11, limit: 10 }), "{e}");

    let huge = vec![0u8; MAX_ZIPPED_BYTES as usize + 1];
    let e = refused(&store, &huge);
    assert_eq!(e.exception(), "RequestEntityTooLargeException");
    unzip::remove_tree(&root).unwrap();
}

#[test]
fn what_is_not_a_sound_zip_is_refused_with_aws_message() {
    let root = scratch("bad");
    let store = CodeStore::open(root.join("code")).unwrap();
    let good = build(&[Entry::File("a.py", b"print('hello, world, hello, world')", 0o644)]);
    let mut bad_crc = good.clone();
    // Flip a byte of the compressed data (right after the 30-byte local header + name).
    bad_crc[30 + 4 + 2] ^= 0xff;
    for bytes in [
        b"".to_vec(),
        b"not a zip at all".to_vec(),
        good[..good.len() / 2].to_vec(),
        bad_crc,
    ] {
        let e = refused(&store, &bytes);
        assert_eq!(e.exception(), "InvalidParameterValueException", "{e}");
        assert_eq!(
            e.message(),
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        );
    }
    unzip::remove_tree(&root).unwrap();
}

/// Fuzz-style: a valid package with bytes flipped at seeded random places must be either
/// unpacked inside its directory or refused, never panic nor write outside.
#[test]
fn mutated_zips_never_escape_or_panic() {
    let root = scratch("fuzz");
    let store = CodeStore::open(root.join("code")).unwrap().with_limits(Limits {
        max_unzipped_bytes: 1 << 20,
        max_entries: 100,
    });
    let base = build(&[
        Entry::File("a.py", b"import os\nprint(os.getcwd())\n", 0o644),
        Entry::Dir("pkg/"),
        Entry::File("pkg/__init__.py", &[b'x'; 300], 0o755),
        Entry::Link("pkg/link", "../a.py"),
    ]);
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut ok, mut refused_count) = (0, 0);
    for _ in 0..300 {
        let mut z = base.clone();
        for _ in 0..(next() % 4 + 1) {
            let at = (next() as usize) % z.len();
            z[at] = next() as u8;
        }
        match store.add_zip(&z) {
            Ok(p) => {
                ok += 1;
                assert!(store.dir_of(&p.hex_sha256).is_dir());
            }
            Err(CodeError::Io(e)) => panic!("an I/O error on a hostile zip: {e}"),
            Err(_) => refused_count += 1,
        }
    }
    assert!(refused_count > 0 && ok + refused_count == 300);
    for entry in std::fs::read_dir(&root).unwrap() {
        assert_eq!(entry.unwrap().file_name(), "code", "written outside the packages");
    }
    for entry in std::fs::read_dir(store.root()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with(".tmp-"), "a temp file left: {name}");
    }
    unzip::remove_tree(&root).unwrap();
}

#[test]
fn the_directory_is_made_with_the_first_package() {
    let root = scratch("lazy");
    let store = CodeStore::open(root.join("code")).unwrap();
    assert!(!root.join("code").exists());
    store.add_zip(&build(&[Entry::File("a", b"a", 0o644)])).unwrap();
    assert!(root.join("code").is_dir());
    unzip::remove_tree(&root).unwrap();
}

#[test]
fn interrupted_unpackings_are_cleared_at_open() {
    let root = scratch("reopen");
    let code = root.join("code");
    std::fs::create_dir_all(code.join(".tmp-abc-1-0/sub")).unwrap();
    std::fs::write(code.join(".tmp-abc-1-0/sub/f"), b"x").unwrap();
    let store = CodeStore::open(&code).unwrap();
    assert_empty(&store);
    unzip::remove_tree(&root).unwrap();
}

#[test]
fn s3_locations() {
    let root = scratch("s3");
    assert_eq!(
        from_s3("hot-reload", root.to_str().unwrap()).unwrap(),
        CodeLocation::HotReload(root.clone())
    );
    let e = from_s3("hot-reload", "relative/dir").unwrap_err();
    assert!(matches!(e, CodeError::HotReloadPath { .. }));
    let e = from_s3("hot-reload", root.join("missing").to_str().unwrap()).unwrap_err();
    assert!(e.to_string().contains("not a directory"), "{e}");
    let e = from_s3("my-bucket", "code.zip").unwrap_err();
    assert_eq!(e.exception(), "InvalidParameterValueException");
    assert!(e.message().contains("no S3 endpoint"), "{}", e.message());
    assert_eq!(hot_reload_sha256("/x"), hot_reload_sha256("/x"));
    unzip::remove_tree(&root).unwrap();
}
