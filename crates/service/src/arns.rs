//! The ARN texts the service takes apart or puts together by hand. Every one is a small
//! function of its own so that a shared ARN type can replace them one by one; the rest of
//! the service parses ARNs with [`server::arn`].

/// The name in a state machine (or version, or alias) ARN: its seventh `:`-field
/// (`arn:aws:states:<region>:<account>:stateMachine:<name>`), or the whole text when the
/// ARN has fewer fields.
pub(crate) fn state_machine_name(arn: &str) -> String {
    arn.split(':').nth(6).unwrap_or(arn).to_string()
}

/// An alias's ARN: the unqualified state machine ARN, `:`, the alias name.
pub(crate) fn alias_arn(state_machine_arn: &str, alias_name: &str) -> String {
    format!("{state_machine_arn}:{alias_name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:Orders";

    #[test]
    fn name_is_the_seventh_field() {
        assert_eq!(state_machine_name(SM), "Orders");
        assert_eq!(state_machine_name(&format!("{SM}:3")), "Orders");
        assert_eq!(state_machine_name("not-an-arn"), "not-an-arn");
    }

    #[test]
    fn alias_is_appended() {
        assert_eq!(alias_arn(SM, "prod"), format!("{SM}:prod"));
    }
}
