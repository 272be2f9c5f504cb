//! Byte encodings and digests shared by the intrinsic functions and the JSONata functions.
//!
//! The work is done by the `base64`, `hex` and RustCrypto crates; this module fixes the
//! exact rules Step Functions applies, which are Java's (its runtime is Java).

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Standard alphabet (RFC 4648 §4), padding written.
const ENCODER: GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Java's basic decoder: standard alphabet, padding optional but complete when present
/// (`Zm9vYg` and `Zm9vYg==` decode, `Zm9vYg=` does not), unused trailing bits ignored.
const DECODER: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Base64 of `data`, standard alphabet, padded (`States.Base64Encode`).
pub(crate) fn base64_encode(data: &[u8]) -> String {
    ENCODER.encode(data)
}

/// The bytes `s` encodes in Base64 (`States.Base64Decode`), `None` when it is not valid.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    // `Indifferent` also takes partial padding (`Zm9vYg=`), which Java refuses.
    if s.ends_with('=') && !s.len().is_multiple_of(4) {
        return None;
    }
    DECODER.decode(s).ok()
}

/// The digest algorithms `States.Hash` and `$hash` accept, by their AWS names.
pub(crate) const HASH_ALGORITHMS: &str = "MD5, SHA-1, SHA-256, SHA-384, SHA-512";

/// The lower-case hex digest of `data` under `algorithm` (`MD5`, `SHA-1`, `SHA-256`,
/// `SHA-384`, `SHA-512`); `None` for any other name.
pub(crate) fn hex_digest(algorithm: &str, data: &[u8]) -> Option<String> {
    use sha2::Digest;
    Some(match algorithm {
        "MD5" => hex::encode(md5::Md5::digest(data)),
        "SHA-1" => hex::encode(sha1::Sha1::digest(data)),
        "SHA-256" => hex::encode(sha2::Sha256::digest(data)),
        "SHA-384" => hex::encode(sha2::Sha384::digest(data)),
        "SHA-512" => hex::encode(sha2::Sha512::digest(data)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
