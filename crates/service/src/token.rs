//! Pagination tokens: opaque to clients, a hex encoding of the last key of the page.

use server::ApiError;

pub(crate) fn encode(key: &str) -> String {
    let mut s = String::with_capacity(2 + key.len() * 2);
    s.push_str("v1");
    for b in key.bytes() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

pub(crate) fn decode(token: &str) -> Result<String, ApiError> {
    let bad = || ApiError::invalid_token("Invalid Token: the token is malformed or has expired");
    let hex = token.strip_prefix("v1").ok_or_else(bad)?;
    if hex.len() % 2 != 0 {
        return Err(bad());
    }
    let bytes: Result<Vec<u8>, _> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
        .collect();
    String::from_utf8(bytes.map_err(|_| bad())?).map_err(|_| bad())
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
}
