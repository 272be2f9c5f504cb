//! Pagination tokens: opaque to clients, `v1` and a hex encoding of the last key of the
//! page. The version prefix lets a later format tell its tokens from these.

use server::ApiError;

const PREFIX: &str = "v1";

pub(crate) fn encode(key: &str) -> String {
    format!("{PREFIX}{}", hex::encode(key))
}

/// Anything that is not a token this service made is InvalidToken, never a panic: a token
/// is client input.
pub(crate) fn decode(token: &str) -> Result<String, ApiError> {
    let bad = || ApiError::invalid_token("Invalid Token: the token is malformed or has expired");
    let digits = token.strip_prefix(PREFIX).ok_or_else(bad)?;
    let bytes = hex::decode(digits).map_err(|_| bad())?;
    String::from_utf8(bytes).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage() {
        let arn = "arn:aws:states:us-east-1:123456789012:stateMachine:Ünï";
        assert_eq!(decode(&encode(arn)).unwrap(), arn);
        assert!(decode("nope").is_err());
        assert!(decode("v1zz").is_err());
    }

    #[test]
    fn encoding_is_lowercase_hex_after_the_prefix() {
        assert_eq!(encode("Az:"), "v1417a3a");
        assert_eq!(decode("v1417A3A").unwrap(), "Az:");
    }

    #[test]
    fn hostile_tokens_are_errors_not_panics() {
        // A multi-byte character across a digit pair, odd lengths, invalid UTF-8.
        for token in ["v1aéb", "v1é", "v1a", "v1+f", "v1ff", ""] {
            assert!(decode(token).is_err(), "{token:?}");
        }
    }
}
