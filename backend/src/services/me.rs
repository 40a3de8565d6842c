//! Who am I: the caller as it sees itself.

use crate::services::admin::users::grant_view;
use crate::services::admin::views::MeView;
use crate::services::caller::{Caller, Principal};

pub fn describe(caller: &Caller) -> MeView {
    let (kind, id, display_name) = match &caller.principal {
        Principal::User {
            id, display_name, ..
        } => ("user", *id, display_name.clone()),
        Principal::ServiceAccount { id, name, .. } => ("service_account", *id, name.clone()),
    };
    MeView {
        kind,
        id,
        label: caller.label().to_owned(),
        display_name,
        territory: caller.territory().map(str::to_owned),
        grants: caller.grants.iter().map(grant_view).collect(),
    }
}
