//! The outcome of an audited action.

use crate::text_enum;

text_enum! {
    AuditOutcome {
        Success => "success",
        Failure => "failure",
        Denied => "denied",
    }
}
