use super::*;
use proptest::prelude::*;

/// The decoder written by hand before the `base64` crate replaced it, kept as the oracle.
fn legacy_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = s.as_bytes();
    let body = bytes
        .strip_suffix(b"==")
        .or_else(|| bytes.strip_suffix(b"="))
        .unwrap_or(bytes);
    let padded = body.len() != bytes.len();
    if (padded && bytes.len() & 3 != 0) || body.len() & 3 == 1 {
        return None;
    }
    let mut out = Vec::new();
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    Some(out)
}

#[test]
fn base64_rules_are_javas() {
    assert_eq!(base64_encode(b"foob"), "Zm9vYg==");
    assert_eq!(base64_encode(b""), "");
    assert_eq!(base64_decode("Zm9vYg").as_deref(), Some(&b"foob"[..]));
    assert_eq!(base64_decode("Zm9vYg==").as_deref(), Some(&b"foob"[..]));
    assert_eq!(
        base64_decode("Zm9vYh==").as_deref(),
        Some(&b"foob"[..]),
        "trailing bits ignored"
    );
    for bad in ["Zm9vYg=", "Zm9v!", "Z", "Zm9vY===", "Zm=9", "Zm9v=", "=", "Zm9v\n"] {
        assert_eq!(base64_decode(bad), None, "{bad:?}");
        assert_eq!(legacy_decode(bad), None, "{bad:?}");
    }
}

#[test]
fn digests() {
    assert_eq!(
        hex_digest("SHA-256", b"input data").unwrap(),
        "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"
    );
    assert_eq!(hex_digest("MD5", b"").unwrap(), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(
        hex_digest("SHA-1", b"").unwrap(),
        "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    );
    assert_eq!(hex_digest("SHA-384", b"").unwrap().len(), 96);
    assert_eq!(hex_digest("SHA-512", b"").unwrap().len(), 128);
    assert_eq!(hex_digest("SHA-3", b""), None);
}

proptest! {
    #[test]
    fn decoding_matches_the_hand_written_decoder(s in "[A-Za-z0-9+/=!]{0,12}") {
        prop_assert_eq!(base64_decode(&s), legacy_decode(&s));
    }

    #[test]
    fn encoding_round_trips(data in proptest::collection::vec(any::<u8>(), 0..40)) {
        prop_assert_eq!(base64_decode(&base64_encode(&data)), Some(data));
    }
}
