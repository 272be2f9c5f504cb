//! AWS Signature Version 4, checked as the AWS JSON services (Coral) check it.
//!
//! [`SigV4Authenticator`] is an [`Authenticator`]: it accepts a request whose
//! `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header was
//! made with one of its key pairs for the `states` service, and answers everything else with
//! the exception AWS returns, in AWS's words, in the order AWS checks:
//!
//! 1. no `Authorization` header, or one that does not start with `AWS4-` →
//!    `MissingAuthenticationTokenException` ("Request is missing Authentication Token");
//!    an `Authorization` header together with an `X-Amz-Algorithm` query parameter →
//!    `InvalidSignatureException` ("Found both …"). Query-string (presigned) authentication
//!    alone is not supported: no Step Functions client uses it, and it is answered as missing;
//! 2. a parameter without `=`, a missing `Credential` / `SignedHeaders` / `Signature`, no
//!    `X-Amz-Date` or `Date` header, a date not in ISO 8601 basic format →
//!    `IncompleteSignatureException`;
//! 3. a date more than 15 minutes from the server's clock → `InvalidSignatureException`
//!    ("Signature expired: … is now earlier than … (… - 15 min.)", or "Signature not yet
//!    current: … is still later than … (… + 15 min.)");
//! 4. `host` not signed → `InvalidSignatureException`;
//! 5. an algorithm other than `AWS4-HMAC-SHA256`, a credential without five `/`-separated
//!    elements → `IncompleteSignatureException`;
//! 6. a credential scope with the wrong service, terminator or date →
//!    `InvalidSignatureException`;
//! 7. an unknown access key id (or a session token that does not match the key's) →
//!    `UnrecognizedClientException` ("The security token included in the request is
//!    invalid.");
//! 8. a signature that does not match → `InvalidSignatureException` ("The request signature
//!    we calculated does not match the signature you provided. …").
//!
//! All of them are HTTP 400, as on AWS's JSON protocols (and [`ApiError::status`]).
//!
//! The canonical request is AWS's: method, the URI path with dot segments removed and every
//! byte but the unreserved ones percent-encoded (again: non-S3 services encode twice), the
//! query string with its parameters decoded, re-encoded and sorted, the signed headers
//! (lowercase names, sorted; values trimmed, inner whitespace runs collapsed, repeated headers
//! joined with `,`), the signed-header list, and the hex SHA-256 of the body. When the client
//! sends `x-amz-content-sha256`, its value goes into the canonical request, and it must be
//! the body's hash (so `UNSIGNED-PAYLOAD` is refused, as Step Functions refuses it).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{ApiError, Authenticator, Principal};

/// The only algorithm AWS accepts.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The last element of every credential scope.
pub const TERMINATOR: &str = "aws4_request";
/// The signing name of Step Functions.
pub const SERVICE: &str = "states";
/// How far a request's date may be from the server's clock, either way.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// AWS's messages.
pub const MISSING_TOKEN_MESSAGE: &str = "Request is missing Authentication Token";
pub const UNRECOGNIZED_CLIENT_MESSAGE: &str = "The security token included in the request is invalid.";
pub const SIGNATURE_MISMATCH_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
pub const BOTH_AUTHORIZATIONS_MESSAGE: &str =
    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.";
pub const HOST_NOT_SIGNED_MESSAGE: &str = "'Host' must be a 'SignedHeader' in the AWS Authorization.";

type HmacSha256 = Hmac<Sha256>;

/// A secret key and, for temporary credentials, the session token that goes with it.
#[derive(Clone, PartialEq, Eq)]
struct Secret {
    secret_access_key: String,
    session_token: Option<String>,
}

/// Where the server's clock comes from (tests pin it).
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Verifies SigV4 signatures against a fixed set of key pairs. See the [module](self) docs.
#[derive(Clone)]
pub struct SigV4Authenticator {
    keys: HashMap<String, Secret>,
    service: String,
    clock: Clock,
}

impl std::fmt::Debug for SigV4Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut ids: Vec<&String> = self.keys.keys().collect();
        ids.sort();
        f.debug_struct("SigV4Authenticator")
            .field("access_key_ids", &ids)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl SigV4Authenticator {
    /// Accepts requests signed with any of these `(access key id, secret access key)` pairs.
    /// When an access key id appears twice, the last pair wins.
    pub fn new(keys: Vec<(String, String)>) -> Self {
        SigV4Authenticator {
            keys: keys
                .into_iter()
                .map(|(id, secret)| {
                    (
                        id,
                        Secret {
                            secret_access_key: secret,
                            session_token: None,
                        },
                    )
                })
                .collect(),
            service: SERVICE.to_owned(),
            clock: Arc::new(SystemTime::now),
        }
    }

    /// Reads an AWS shared credentials file (`~/.aws/credentials`): every profile with an
    /// `aws_access_key_id` and an `aws_secret_access_key` is accepted. A profile's
    /// `aws_session_token`, if any, must then come with its requests.
    pub fn from_credentials_file(path: impl AsRef<Path>) -> Result<Self, CredentialsError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| CredentialsError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_credentials_str(&text).map_err(|e| e.in_file(path))
    }

    /// [`Self::from_credentials_file`] on the file's text.
    pub fn from_credentials_str(text: &str) -> Result<Self, CredentialsError> {
        let profiles = parse_credentials(text)?;
        let mut keys: HashMap<String, (String, Secret)> = HashMap::new();
        for profile in profiles {
            let id = profile.properties.get("aws_access_key_id");
            let secret = profile.properties.get("aws_secret_access_key");
            let (id, secret) = match (id, secret) {
                (None, None) => continue,
                (Some((id, _)), Some((secret, _))) if !id.is_empty() && !secret.is_empty() => (id, secret),
                _ => {
                    return Err(CredentialsError::Parse {
                        path: None,
                        line: profile.line,
                        message: format!(
                            "profile [{}] needs both aws_access_key_id and aws_secret_access_key",
                            profile.name
                        ),
                    });
                }
            };
            let entry = Secret {
                secret_access_key: secret.clone(),
                session_token: profile
                    .properties
                    .get("aws_session_token")
                    .map(|(token, _)| token.clone())
                    .filter(|t| !t.is_empty()),
            };
            if let Some((other, previous)) = keys.get(id) {
                if *previous != entry {
                    return Err(CredentialsError::Parse {
                        path: None,
                        line: profile.properties["aws_access_key_id"].1,
                        message: format!(
                            "access key id {id} is in profiles [{other}] and [{}] with different secrets",
                            profile.name
                        ),
                    });
                }
            }
            keys.insert(id.clone(), (profile.name.clone(), entry));
        }
        if keys.is_empty() {
            return Err(CredentialsError::NoCredentials { path: None });
        }
        Ok(SigV4Authenticator {
            keys: keys.into_iter().map(|(id, (_, secret))| (id, secret)).collect(),
            service: SERVICE.to_owned(),
            clock: Arc::new(SystemTime::now),
        })
    }

    /// Uses `clock` instead of the system clock for the 15-minute window.
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Verifies signatures for another signing name than `states`.
    pub fn with_service(mut self, service: impl Into<String>) -> Self {
        self.service = service.into();
        self
    }

    /// The access key ids accepted, sorted.
    pub fn access_key_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.keys.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }

    /// Checks a request given by its parts: method, path, raw query string, headers, body.
    pub fn verify(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Principal, ApiError> {
        let authorization = match headers.get("authorization") {
            Some(value) => String::from_utf8_lossy(value.as_bytes()).into_owned(),
            None => return Err(ApiError::MissingAuthenticationToken(MISSING_TOKEN_MESSAGE.into())),
        };
        if query.is_some_and(|q| q.split('&').any(|p| p.split('=').next() == Some("X-Amz-Algorithm"))) {
            return Err(ApiError::InvalidSignature(BOTH_AUTHORIZATIONS_MESSAGE.into()));
        }
        let trimmed = authorization.trim();
        if !trimmed.starts_with("AWS4-") {
            return Err(ApiError::MissingAuthenticationToken(MISSING_TOKEN_MESSAGE.into()));
        }

        // --- the header's shape --------------------------------------------------------------
        let auth = AuthorizationHeader::parse(trimmed)?;
        let date_header = header_string(headers, "x-amz-date").or_else(|| header_string(headers, "date"));
        let mut missing = String::new();
        for (name, value) in [
            ("Credential", &auth.credential),
            ("Signature", &auth.signature),
            ("SignedHeaders", &auth.signed_headers),
        ] {
            if value.as_deref().is_none_or(str::is_empty) {
                let _ = write!(missing, "Authorization header requires '{name}' parameter. ");
            }
        }
        if date_header.is_none() {
            missing.push_str("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        }
        if !missing.is_empty() {
            return Err(ApiError::IncompleteSignature(format!(
                "{missing}Authorization={authorization}"
            )));
        }
        let (credential, signature, signed_headers) = (
            auth.credential.unwrap_or_default(),
            auth.signature.unwrap_or_default(),
            auth.signed_headers.unwrap_or_default(),
        );

        // --- the date and the clock ----------------------------------------------------------
        let date_header = date_header.unwrap_or_default();
        let request_time = parse_request_date(headers, &date_header).ok_or_else(|| {
            ApiError::IncompleteSignature(format!(
                "Date must be in ISO-8601 'basic format'. Got '{date_header}'. See http://en.wikipedia.org/wiki/ISO_8601"
            ))
        })?;
        let amz_date = format_basic(request_time);
        let now = (self.clock)()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let skew = MAX_CLOCK_SKEW.as_secs() as i64;
        if request_time < now - skew {
            return Err(ApiError::InvalidSignature(format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - 15 min.)",
                format_basic(now - skew),
                format_basic(now)
            )));
        }
        if request_time > now + skew {
            return Err(ApiError::InvalidSignature(format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + 15 min.)",
                format_basic(now + skew),
                format_basic(now)
            )));
        }

        // --- what is signed ------------------------------------------------------------------
        let signed: Vec<String> = signed_headers.split(';').map(str::to_ascii_lowercase).collect();
        if !signed.iter().any(|h| h == "host") {
            return Err(ApiError::InvalidSignature(HOST_NOT_SIGNED_MESSAGE.into()));
        }
        if auth.algorithm != ALGORITHM {
            return Err(ApiError::IncompleteSignature(format!(
                "Unsupported AWS 'algorithm': '{}' (only {ALGORITHM} for now). ",
                auth.algorithm
            )));
        }
        let scope: Vec<&str> = credential.trim_end_matches('/').split('/').collect();
        let [access_key_id, scope_date, region, service, terminator] = scope.as_slice() else {
            return Err(ApiError::IncompleteSignature(format!(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
            )));
        };
        let mut wrong_scope = Vec::new();
        if region.is_empty()
            || !region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            wrong_scope.push(format!(
                "Credential should be scoped to a valid region, not '{region}'."
            ));
        }
        if *service != self.service {
            wrong_scope.push(format!(
                "Credential should be scoped to correct service: '{}'.",
                self.service
            ));
        }
        if *terminator != TERMINATOR {
            wrong_scope.push(format!(
                "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{terminator}'."
            ));
        }
        if *scope_date != &amz_date[..8] {
            wrong_scope.push(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{}', from '{amz_date}'.",
                &amz_date[..8]
            ));
        }
        if !wrong_scope.is_empty() {
            return Err(ApiError::InvalidSignature(wrong_scope.join(" ")));
        }

        // --- who ---------------------------------------------------------------------------------
        let unrecognized = || ApiError::UnrecognizedClient(UNRECOGNIZED_CLIENT_MESSAGE.into());
        let secret = self.keys.get(*access_key_id).ok_or_else(unrecognized)?;
        if let Some(expected) = &secret.session_token {
            let given = headers
                .get("x-amz-security-token")
                .map(|v| v.as_bytes())
                .unwrap_or_default();
            if !bool::from(given.ct_eq(expected.as_bytes())) {
                return Err(unrecognized());
            }
        }

        // --- the signature -----------------------------------------------------------------------
        let body_hash = hex(&Sha256::digest(body));
        let payload_hash = match header_string(headers, "x-amz-content-sha256") {
            Some(declared) => {
                if !declared.eq_ignore_ascii_case(&body_hash) {
                    return Err(ApiError::InvalidSignature(SIGNATURE_MISMATCH_MESSAGE.into()));
                }
                declared
            }
            None => body_hash,
        };
        let canonical = canonical_request(method.as_str(), path, query, headers, &signed, &payload_hash);
        let scope = format!("{scope_date}/{region}/{service}/{TERMINATOR}");
        let to_sign = string_to_sign(&amz_date, &scope, &canonical);
        let key = signing_key(&secret.secret_access_key, scope_date, region, service);
        let expected = hex(&hmac(&key, to_sign.as_bytes()));
        if !bool::from(expected.as_bytes().ct_eq(signature.as_bytes())) {
            return Err(ApiError::InvalidSignature(SIGNATURE_MISMATCH_MESSAGE.into()));
        }
        Ok(Principal {
            access_key_id: Some((*access_key_id).to_owned()),
            account_id: None,
        })
    }
}

impl Authenticator for SigV4Authenticator {
    fn authenticate(&self, request: &Parts, body: &Bytes) -> Result<Principal, ApiError> {
        self.verify(
            &request.method,
            request.uri.path(),
            request.uri.query(),
            &request.headers,
            body,
        )
    }
}

// --- the Authorization header ------------------------------------------------------------------

#[derive(Debug, Default, PartialEq)]
struct AuthorizationHeader {
    algorithm: String,
    credential: Option<String>,
    signed_headers: Option<String>,
    signature: Option<String>,
}

impl AuthorizationHeader {
    /// `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`: the algorithm, then
    /// `key=value` pairs separated by commas and/or spaces.
    fn parse(header: &str) -> Result<Self, ApiError> {
        let (algorithm, rest) = header.split_once([' ', ',']).unwrap_or((header, ""));
        let mut parsed = AuthorizationHeader {
            algorithm: algorithm.to_owned(),
            ..Default::default()
        };
        for pair in rest.split([',', ' ']).filter(|p| !p.is_empty()) {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(ApiError::IncompleteSignature(format!(
                    "'{pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'."
                )));
            };
            let slot = match key {
                "Credential" => &mut parsed.credential,
                "SignedHeaders" => &mut parsed.signed_headers,
                "Signature" => &mut parsed.signature,
                _ => continue,
            };
            *slot = Some(value.to_owned());
        }
        Ok(parsed)
    }
}

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
}

/// Epoch seconds of the request's date: `X-Amz-Date` in ISO 8601 basic format, or else the
/// `Date` header (an HTTP date, or the basic format too).
fn parse_request_date(headers: &HeaderMap, value: &str) -> Option<i64> {
    if headers.contains_key("x-amz-date") {
        return parse_basic(value);
    }
    parse_basic(value).or_else(|| {
        let time = httpdate::parse_http_date(value).ok()?;
        Some(time.duration_since(UNIX_EPOCH).ok()?.as_secs() as i64)
    })
}

// --- the canonical request -----------------------------------------------------------------------

/// AWS's canonical request. `signed_headers` are lowercase; they are sorted and deduplicated
/// here. `payload_hash` is the hex SHA-256 of the body (or `x-amz-content-sha256`).
pub fn canonical_request(
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    signed_headers: &[String],
    payload_hash: &str,
) -> String {
    let mut names: Vec<&str> = signed_headers.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let mut out = String::new();
    out.push_str(method);
    out.push('\n');
    out.push_str(&canonical_uri(path));
    out.push('\n');
    out.push_str(&canonical_query(query.unwrap_or("")));
    out.push('\n');
    for name in &names {
        let values: Vec<String> = headers
            .get_all(*name)
            .iter()
            .map(|v| canonical_header_value(&String::from_utf8_lossy(v.as_bytes())))
            .collect();
        out.push_str(name);
        out.push(':');
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&names.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    out
}

/// Trimmed, with every run of whitespace inside made one space.
pub fn canonical_header_value(value: &str) -> String {
    value.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// The path with `.` and `..` segments removed, percent-encoded (an already encoded path is
/// encoded again, as AWS does for every service but S3).
pub fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let trailing_slash = path.len() > 1 && path.ends_with('/');
    for segment in path.split('/') {
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut normalized = segments.join("/");
    if !normalized.starts_with('/') {
        normalized.insert(0, '/');
    }
    if trailing_slash && !normalized.ends_with('/') {
        normalized.push('/');
    }
    uri_encode(&normalized, false)
}

/// Parameters decoded, re-encoded with AWS's rules, sorted by name then value.
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k), true),
                uri_encode(&percent_decode(v), true),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Every byte but `A-Z a-z 0-9 - _ . ~` (and `/` unless `encode_slash`) as `%XX`.
fn uri_encode(s: &str, encode_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') || (b == b'/' && !encode_slash) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let h = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = h {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of the canonical request>`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// HMAC-SHA256 chain: `"AWS4" + secret` → date → region → service → `aws4_request`.
pub fn signing_key(secret_access_key: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret_access_key}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, TERMINATOR.as_bytes())
}

/// The hex signature of a string to sign.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex(&hmac(signing_key, string_to_sign.as_bytes()))
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

// --- dates -------------------------------------------------------------------------------------

/// `YYYYMMDDTHHMMSSZ` → epoch seconds.
fn parse_basic(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = &s[range];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Epoch seconds → `YYYYMMDDTHHMMSSZ`.
fn format_basic(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

// --- the shared credentials file ---------------------------------------------------------------

/// Why a credentials file could not be used.
#[derive(Debug)]
pub enum CredentialsError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Parse {
        path: Option<PathBuf>,
        line: usize,
        message: String,
    },
    /// No profile has a key pair.
    NoCredentials {
        path: Option<PathBuf>,
    },
}

impl CredentialsError {
    fn in_file(self, file: &Path) -> Self {
        match self {
            CredentialsError::Parse { line, message, .. } => CredentialsError::Parse {
                path: Some(file.to_owned()),
                line,
                message,
            },
            CredentialsError::NoCredentials { .. } => CredentialsError::NoCredentials {
                path: Some(file.to_owned()),
            },
            e => e,
        }
    }
}

impl std::fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |p: &Option<PathBuf>| match p {
            Some(p) => p.display().to_string(),
            None => "credentials".to_owned(),
        };
        match self {
            CredentialsError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            CredentialsError::Parse { path, line, message } => write!(f, "{}:{line}: {message}", name(path)),
            CredentialsError::NoCredentials { path } => write!(
                f,
                "{}: no profile has both aws_access_key_id and aws_secret_access_key",
                name(path)
            ),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CredentialsError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

struct Profile {
    name: String,
    line: usize,
    /// Lowercase key → (value, line).
    properties: HashMap<String, (String, usize)>,
}

/// The INI dialect of `~/.aws/credentials`, as botocore reads it: `[name]` (or
/// `[profile name]`) sections; `key = value` or `key: value` properties (keys
/// case-insensitive, values trimmed, no inline comments); `#` and `;` comment lines; indented
/// lines under a property continue it (nested settings) and are ignored here. A section met
/// twice is merged.
fn parse_credentials(text: &str) -> Result<Vec<Profile>, CredentialsError> {
    let mut profiles: Vec<Profile> = Vec::new();
    let mut last_key: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let error = |message: String| CredentialsError::Parse {
            path: None,
            line: line_no,
            message,
        };
        if line.starts_with('[') {
            let Some(end) = line.find(']') else {
                return Err(error(format!("unterminated section header: {line}")));
            };
            let after = line[end + 1..].trim();
            if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
                return Err(error(format!("unexpected text after the section header: {line}")));
            }
            let inner = line[1..end].trim();
            let name = inner
                .strip_prefix("profile ")
                .map(str::trim)
                .unwrap_or(inner)
                .to_owned();
            if name.is_empty() {
                return Err(error("empty profile name".into()));
            }
            last_key = None;
            if let Some(pos) = profiles.iter().position(|p| p.name == name) {
                let profile = profiles.remove(pos);
                profiles.push(profile);
            } else {
                profiles.push(Profile {
                    name,
                    line: line_no,
                    properties: HashMap::new(),
                });
            }
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented && last_key.is_some() {
            continue; // a continuation line (nested values)
        }
        let Some(profile) = profiles.last_mut() else {
            return Err(error("a property outside any [profile] section".into()));
        };
        let Some(at) = line.find(['=', ':']) else {
            return Err(error(format!("expected `key = value`, got: {line}")));
        };
        let key = line[..at].trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(error(format!("expected `key = value`, got: {line}")));
        }
        let value = line[at + 1..].trim().to_owned();
        profile.properties.insert(key.clone(), (value, line_no));
        last_key = Some(key);
    }
    Ok(profiles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const AKID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn at(basic: &str) -> impl Fn() -> SystemTime + Send + Sync + 'static {
        let t = UNIX_EPOCH + Duration::from_secs(parse_basic(basic).unwrap() as u64);
        move || t
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    fn lower(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    // AWS's published examples: the signing key of the IAM example in the SigV4 docs, and
    // get-vanilla / post-vanilla / get-vanilla-query-order-key from the SigV4 test suite.

    #[test]
    fn signing_key_of_the_aws_documentation() {
        assert_eq!(
            hex(&signing_key(SECRET, "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    fn suite_signature(method: &str, query: Option<&str>) -> (String, String) {
        let h = headers(&[("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")]);
        let canonical = canonical_request(method, "/", query, &h, &lower(&["host", "x-amz-date"]), EMPTY_SHA256);
        let to_sign = string_to_sign(
            "20150830T123600Z",
            "20150830/us-east-1/service/aws4_request",
            &canonical,
        );
        (
            canonical,
            signature(&signing_key(SECRET, "20150830", "us-east-1", "service"), &to_sign),
        )
    }

    #[test]
    fn get_vanilla() {
        let (canonical, sig) = suite_signature("GET", None);
        assert_eq!(
            canonical,
            format!(
                "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EMPTY_SHA256}"
            )
        );
        assert_eq!(sig, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }

    #[test]
    fn post_vanilla() {
        let (_, sig) = suite_signature("POST", None);
        assert_eq!(sig, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    }

    #[test]
    fn canonical_query_strings() {
        assert_eq!(
            canonical_query("Param2=value2&Param1=value1"),
            "Param1=value1&Param2=value2"
        );
        assert_eq!(canonical_query("b=2&a=3&a=1"), "a=1&a=3&b=2");
        assert_eq!(canonical_query("key%20one=a%2Fb&flag"), "flag=&key%20one=a%2Fb");
        assert_eq!(canonical_query("x=%7e%2a"), "x=~%2A");
        assert_eq!(canonical_query(""), "");
    }

    #[test]
    fn canonical_uris() {
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/a/./b/../c"), "/a/c");
        assert_eq!(canonical_uri("/a b"), "/a%20b");
        // Non-S3 services encode the already encoded path again.
        assert_eq!(canonical_uri("/a%20b"), "/a%2520b");
        assert_eq!(canonical_uri("/dir/"), "/dir/");
    }

    #[test]
    fn header_values_are_trimmed_and_collapsed() {
        assert_eq!(canonical_header_value("   value1"), "value1");
        assert_eq!(canonical_header_value("\"a   b   c\"  "), "\"a b c\"");
        let h = headers(&[("my-header1", "  a  "), ("my-header1", "b   c"), ("host", "h")]);
        let canonical = canonical_request("GET", "/", None, &h, &lower(&["my-header1", "host"]), "x");
        assert_eq!(canonical, "GET\n/\n\nhost:h\nmy-header1:a,b c\n\nhost;my-header1\nx");
    }

    #[test]
    fn dates_round_trip() {
        for s in [
            "19700101T000000Z",
            "20150830T123600Z",
            "20000229T235959Z",
            "21000301T010203Z",
        ] {
            assert_eq!(format_basic(parse_basic(s).unwrap()), s);
        }
        assert_eq!(parse_basic("20150830T123600Z"), Some(1_440_938_160));
        assert_eq!(parse_basic("20150230T123600Z"), None);
        assert_eq!(parse_basic("2015-08-30T12:36:00Z"), None);
        assert_eq!(parse_basic("201"), None);
    }

    /// Signs a POST / to the `states` service at `amz_date` the way an SDK does.
    fn signed(amz_date: &str, akid: &str, secret: &str, body: &[u8]) -> HeaderMap {
        let mut h = headers(&[
            ("host", "127.0.0.1:8083"),
            ("content-type", "application/x-amz-json-1.0"),
            ("x-amz-target", "AWSStepFunctions.ListStateMachines"),
            ("x-amz-date", amz_date),
        ]);
        let names = lower(&["content-type", "host", "x-amz-date", "x-amz-target"]);
        let body_hash = hex(&Sha256::digest(body));
        let canonical = canonical_request("POST", "/", None, &h, &names, &body_hash);
        let scope = format!("{}/us-east-1/states/aws4_request", &amz_date[..8]);
        let sig = signature(
            &signing_key(secret, &amz_date[..8], "us-east-1", "states"),
            &string_to_sign(amz_date, &scope, &canonical),
        );
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={akid}/{scope}, SignedHeaders={}, Signature={sig}",
            names.join(";")
        );
        h.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        h
    }

    fn check(auth: &SigV4Authenticator, h: &HeaderMap, body: &[u8]) -> Result<Principal, ApiError> {
        auth.verify(&Method::POST, "/", None, h, body)
    }

    fn authenticator() -> SigV4Authenticator {
        SigV4Authenticator::new(vec![(AKID.into(), SECRET.into())]).with_clock(at("20240101T120000Z"))
    }

    #[test]
    fn a_good_signature_is_accepted() {
        let auth = authenticator();
        let body = br#"{"maxResults":10}"#;
        let principal = check(&auth, &signed("20240101T120500Z", AKID, SECRET, body), body).unwrap();
        assert_eq!(principal.access_key_id.as_deref(), Some(AKID));
        assert_eq!(principal.account_id, None);
    }

    #[test]
    fn tampering_is_refused() {
        let auth = authenticator();
        let body = br#"{"maxResults":10}"#;
        let h = signed("20240101T120000Z", AKID, SECRET, body);
        let e = check(&auth, &h, br#"{"maxResults":11}"#).unwrap_err();
        assert_eq!(e, ApiError::InvalidSignature(SIGNATURE_MISMATCH_MESSAGE.into()));

        let mut h2 = h.clone();
        h2.insert(
            "x-amz-target",
            HeaderValue::from_static("AWSStepFunctions.DeleteStateMachine"),
        );
        assert_eq!(check(&auth, &h2, body).unwrap_err().code(), "InvalidSignatureException");

        // An unsigned header may change.
        let mut h3 = h.clone();
        h3.insert("user-agent", HeaderValue::from_static("x"));
        assert!(check(&auth, &h3, body).is_ok());

        // A wrong secret.
        let h4 = signed("20240101T120000Z", AKID, "not-the-secret", body);
        assert_eq!(check(&auth, &h4, body).unwrap_err().code(), "InvalidSignatureException");

        // x-amz-content-sha256 must be the body's hash.
        let mut h5 = h.clone();
        h5.insert("x-amz-content-sha256", HeaderValue::from_static("UNSIGNED-PAYLOAD"));
        assert_eq!(check(&auth, &h5, body).unwrap_err().code(), "InvalidSignatureException");
    }

    #[test]
    fn unknown_keys_are_unrecognized() {
        let auth = authenticator();
        let h = signed("20240101T120000Z", "AKIDOTHER", SECRET, b"{}");
        assert_eq!(
            check(&auth, &h, b"{}").unwrap_err(),
            ApiError::UnrecognizedClient(UNRECOGNIZED_CLIENT_MESSAGE.into())
        );
    }

    #[test]
    fn missing_authorization() {
        let auth = authenticator();
        let e = check(&auth, &headers(&[("host", "h")]), b"{}").unwrap_err();
        assert_eq!(e, ApiError::MissingAuthenticationToken(MISSING_TOKEN_MESSAGE.into()));
        let e = check(&auth, &headers(&[("authorization", "Bearer abc")]), b"{}").unwrap_err();
        assert_eq!(e.code(), "MissingAuthenticationTokenException");
        assert_eq!(e.status(), axum::http::StatusCode::BAD_REQUEST);
    }

    #[test]
    fn malformed_headers_are_incomplete() {
        let auth = authenticator();
        let h = headers(&[("authorization", "AWS4-HMAC-SHA256 Credential=a/b")]);
        assert_eq!(
            check(&auth, &h, b"").unwrap_err(),
            ApiError::IncompleteSignature(
                "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=a/b".into()
            )
        );

        let header = "AWS4-HMAC-SHA256 Credential=AKID /20240101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=00";
        let h = headers(&[("authorization", header), ("x-amz-date", "20240101T120000Z")]);
        assert_eq!(
            check(&auth, &h, b"").unwrap_err(),
            ApiError::IncompleteSignature(format!(
                "'/20240101/us-east-1/states/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'."
            ))
        );

        let header =
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=00";
        let h = headers(&[("authorization", header), ("x-amz-date", "2024-01-01")]);
        assert_eq!(
            check(&auth, &h, b"").unwrap_err(),
            ApiError::IncompleteSignature(
                "Date must be in ISO-8601 'basic format'. Got '2024-01-01'. See http://en.wikipedia.org/wiki/ISO_8601"
                    .into()
            )
        );

        let header =
            "AWS4-HMAC-SHA1 Credential=AKID/20240101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=00";
        let h = headers(&[("authorization", header), ("x-amz-date", "20240101T120000Z")]);
        assert_eq!(
            check(&auth, &h, b"").unwrap_err(),
            ApiError::IncompleteSignature(
                "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ".into()
            )
        );

        let header = "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states, SignedHeaders=host, Signature=00";
        let h = headers(&[("authorization", header), ("x-amz-date", "20240101T120000Z")]);
        assert_eq!(
            check(&auth, &h, b"").unwrap_err(),
            ApiError::IncompleteSignature(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20240101/us-east-1/states'".into()
            )
        );
    }

    #[test]
    fn host_must_be_signed() {
        let auth = authenticator();
        let header = "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states/aws4_request, SignedHeaders=x-amz-date, Signature=00";
        let h = headers(&[("authorization", header), ("x-amz-date", "20240101T120000Z")]);
        assert_eq!(
            check(&auth, &h, b"").unwrap_err(),
            ApiError::InvalidSignature(HOST_NOT_SIGNED_MESSAGE.into())
        );
    }

    #[test]
    fn wrong_scopes() {
        let auth = authenticator();
        let header = "AWS4-HMAC-SHA256 Credential=AKID/20231231/US_EAST/lambda/aws5_request, SignedHeaders=host;x-amz-date, Signature=00";
        let h = headers(&[("authorization", header), ("x-amz-date", "20240101T120000Z")]);
        assert_eq!(
            check(&auth, &h, b"").unwrap_err(),
            ApiError::InvalidSignature(
                "Credential should be scoped to a valid region, not 'US_EAST'. Credential should be scoped to correct service: 'states'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20231231' != '20240101', from '20240101T120000Z'.".into()
            )
        );
    }

    #[test]
    fn the_fifteen_minute_window() {
        let auth = authenticator();
        assert!(check(&auth, &signed("20240101T114500Z", AKID, SECRET, b"{}"), b"{}").is_ok());
        assert!(check(&auth, &signed("20240101T121500Z", AKID, SECRET, b"{}"), b"{}").is_ok());
        assert_eq!(
            check(&auth, &signed("20240101T114459Z", AKID, SECRET, b"{}"), b"{}").unwrap_err(),
            ApiError::InvalidSignature(
                "Signature expired: 20240101T114459Z is now earlier than 20240101T114500Z (20240101T120000Z - 15 min.)"
                    .into()
            )
        );
        assert_eq!(
            check(&auth, &signed("20240101T121501Z", AKID, SECRET, b"{}"), b"{}").unwrap_err(),
            ApiError::InvalidSignature(
                "Signature not yet current: 20240101T121501Z is still later than 20240101T121500Z (20240101T120000Z + 15 min.)"
                    .into()
            )
        );
    }

    #[test]
    fn the_date_header_stands_in_for_x_amz_date() {
        let auth = authenticator();
        let mut h = signed("20240101T120000Z", AKID, SECRET, b"{}");
        // Re-sign with `date` instead of `x-amz-date`.
        h.remove("x-amz-date");
        h.insert("date", HeaderValue::from_static("Mon, 01 Jan 2024 12:00:00 GMT"));
        let names = lower(&["content-type", "date", "host", "x-amz-target"]);
        let canonical = canonical_request("POST", "/", None, &h, &names, &hex(&Sha256::digest(b"{}")));
        let scope = "20240101/us-east-1/states/aws4_request";
        let sig = signature(
            &signing_key(SECRET, "20240101", "us-east-1", "states"),
            &string_to_sign("20240101T120000Z", scope, &canonical),
        );
        let value = format!(
            "AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders={}, Signature={sig}",
            names.join(";")
        );
        h.insert("authorization", HeaderValue::from_str(&value).unwrap());
        assert!(check(&auth, &h, b"{}").is_ok());
    }

    #[test]
    fn header_and_query_authorization_together() {
        let auth = authenticator();
        let h = signed("20240101T120000Z", AKID, SECRET, b"{}");
        let e = auth
            .verify(&Method::POST, "/", Some("X-Amz-Algorithm=AWS4-HMAC-SHA256"), &h, b"{}")
            .unwrap_err();
        assert_eq!(e, ApiError::InvalidSignature(BOTH_AUTHORIZATIONS_MESSAGE.into()));
    }

    #[test]
    fn session_tokens_must_match() {
        let auth = SigV4Authenticator::from_credentials_str(
            "[temp]\naws_access_key_id = ASIATEMP\naws_secret_access_key = s\naws_session_token = tok\n",
        )
        .unwrap()
        .with_clock(at("20240101T120000Z"));
        let mut h = signed("20240101T120000Z", "ASIATEMP", "s", b"{}");
        assert_eq!(
            check(&auth, &h, b"{}").unwrap_err().code(),
            "UnrecognizedClientException"
        );
        h.insert("x-amz-security-token", HeaderValue::from_static("wrong"));
        assert_eq!(
            check(&auth, &h, b"{}").unwrap_err().code(),
            "UnrecognizedClientException"
        );
        h.insert("x-amz-security-token", HeaderValue::from_static("tok"));
        assert!(check(&auth, &h, b"{}").is_ok());
    }

    #[test]
    fn credentials_files() {
        let text = "\u{feff}# my keys\n\
                    ; another comment\n\
                    [default]\n\
                    \taws_access_key_id=AKIA1\n\
                    aws_secret_access_key   =   secret one  \n\
                    \n\
                    [profile dev]   # trailing comment\n\
                    AWS_ACCESS_KEY_ID : AKIA2\n\
                    aws_secret_access_key = s2/with+chars=\n\
                    region = eu-west-1\n\
                    s3 =\n\
                    \x20 max_concurrent_requests = 10\n\
                    [sso-only]\n\
                    sso_start_url = https://example.com\n";
        let auth = SigV4Authenticator::from_credentials_str(text).unwrap();
        assert_eq!(auth.access_key_ids(), vec!["AKIA1", "AKIA2"]);
        assert_eq!(auth.keys["AKIA1"].secret_access_key, "secret one");
        assert_eq!(auth.keys["AKIA2"].secret_access_key, "s2/with+chars=");

        let err = SigV4Authenticator::from_credentials_str("[a]\naws_access_key_id = X\n").unwrap_err();
        assert!(err.to_string().contains("needs both"), "{err}");
        let err = SigV4Authenticator::from_credentials_str("aws_access_key_id = X\n").unwrap_err();
        assert!(err.to_string().contains("outside any"), "{err}");
        let err = SigV4Authenticator::from_credentials_str("# nothing\n").unwrap_err();
        assert!(matches!(err, CredentialsError::NoCredentials { .. }));
        let err = SigV4Authenticator::from_credentials_str(
            "[a]\naws_access_key_id = X\naws_secret_access_key = 1\n[b]\naws_access_key_id = X\naws_secret_access_key = 2\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("different secrets"), "{err}");
        let err = SigV4Authenticator::from_credentials_file("/nonexistent/credentials").unwrap_err();
        assert!(matches!(err, CredentialsError::Io { .. }));
    }
}
