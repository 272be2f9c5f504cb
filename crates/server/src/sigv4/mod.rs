//! AWS Signature Version 4, checked as the AWS JSON services (Coral) check it.
//!
//! [`SigV4Authenticator`] is an [`Authenticator`]: it accepts a request whose
//! `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header was
//! made with one of its key pairs for the `states` service, and answers everything else with
//! the exception AWS returns, in AWS's words, in the order AWS checks:
//!
//! 1. no `Authorization` header, or one that does not start with `AWS4-` →
//!    `MissingAuthenticationTokenException` ("Request is missing Authentication Token");
//!    two `Authorization` headers → `IncompleteSignatureException`: which of them was
//!    signed is ambiguous, and a proxy that keeps another one than we check would let an
//!    unchecked header through;
//!    an `Authorization` header together with an `X-Amz-Algorithm` query parameter →
//!    `InvalidSignatureException` ("Found both …"). Query-string (presigned) authentication
//!    alone is not supported: no Step Functions client uses it, and it is answered as missing;
//! 2. a parameter without `=`, a missing `Credential` / `SignedHeaders` / `Signature`, no
//!    `X-Amz-Date` or `Date` header, a date not in ISO 8601 basic format →
//!    `IncompleteSignatureException`;
//! 3. a date more than 5 minutes from the server's clock (AWS's window for the JSON
//!    services) → `InvalidSignatureException` ("Signature expired: … is now earlier than …
//!    (… - 5 min.)", or "Signature not yet current: … is still later than … (… + 5 min.)");
//! 4. `host` not signed, or `x-amz-target` not signed (on the JSON protocol it names the
//!    action, so an unsigned one would let a captured request be replayed as another
//!    action) → `InvalidSignatureException`;
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

mod canonical;
mod credentials;
mod date;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub use canonical::{
    canonical_header_value, canonical_query, canonical_request, canonical_uri, signature, signing_key, string_to_sign,
};
pub use credentials::CredentialsError;

use canonical::hmac;
use credentials::parse_credentials;
use date::{format_basic, parse_basic};

use crate::{ApiError, Authenticator, Principal};

/// The only algorithm AWS accepts.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The last element of every credential scope.
pub const TERMINATOR: &str = "aws4_request";
/// The signing name of Step Functions.
pub const SERVICE: &str = "states";
/// How far a request's date may be from the server's clock, either way (AWS: 5 minutes).
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// AWS's messages.
pub const MISSING_TOKEN_MESSAGE: &str = "Request is missing Authentication Token";
pub const UNRECOGNIZED_CLIENT_MESSAGE: &str = "The security token included in the request is invalid.";
pub const SIGNATURE_MISMATCH_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
pub const BOTH_AUTHORIZATIONS_MESSAGE: &str =
    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.";
pub const HOST_NOT_SIGNED_MESSAGE: &str = "'Host' must be a 'SignedHeader' in the AWS Authorization.";
/// Worded after AWS's message for `host`.
pub const TARGET_NOT_SIGNED_MESSAGE: &str = "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.";
pub const REPEATED_AUTHORIZATION_MESSAGE: &str = "Found more than one 'Authorization' header in the request.";

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
    /// `x-amz-target` must be signed: true on the JSON protocol (it names the action),
    /// false on REST protocols such as Lambda's, where the method and path do.
    require_target: bool,
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
            require_target: true,
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
            require_target: true,
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

    /// The same keys for the Lambda API: signing name `lambda`, REST protocol (no
    /// `x-amz-target` to sign; the method and path, which are signed, name the action).
    pub fn for_lambda(&self) -> Self {
        let mut other = self.clone().with_service("lambda");
        other.require_target = false;
        other
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
        let mut values = headers.get_all("authorization").iter();
        let authorization = match (values.next(), values.next()) {
            (Some(value), None) => String::from_utf8_lossy(value.as_bytes()).into_owned(),
            (Some(_), Some(_)) => {
                return Err(ApiError::IncompleteSignature(REPEATED_AUTHORIZATION_MESSAGE.into()));
            }
            (None, _) => return Err(ApiError::MissingAuthenticationToken(MISSING_TOKEN_MESSAGE.into())),
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
        let minutes = skew / 60;
        if request_time < now - skew {
            return Err(ApiError::InvalidSignature(format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - {minutes} min.)",
                format_basic(now - skew),
                format_basic(now)
            )));
        }
        if request_time > now + skew {
            return Err(ApiError::InvalidSignature(format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + {minutes} min.)",
                format_basic(now + skew),
                format_basic(now)
            )));
        }

        // --- what is signed ------------------------------------------------------------------
        let signed: Vec<String> = signed_headers.split(';').map(str::to_ascii_lowercase).collect();
        if !signed.iter().any(|h| h == "host") {
            return Err(ApiError::InvalidSignature(HOST_NOT_SIGNED_MESSAGE.into()));
        }
        if self.require_target && !signed.iter().any(|h| h == "x-amz-target") {
            return Err(ApiError::InvalidSignature(TARGET_NOT_SIGNED_MESSAGE.into()));
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
        let body_hash = hex::encode(Sha256::digest(body));
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
        let expected = hex::encode(hmac(&key, to_sign.as_bytes()));
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

#[cfg(test)]
mod tests;
