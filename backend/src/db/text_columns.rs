//! The closed vocabularies of `domain` as TEXT columns: each enum is written as its snake_case
//! text and read back into the enum at the row boundary, on PostgreSQL, on SQLite and
//! through the `MultiConnection` backend. A stored value outside the vocabulary (which the
//! CHECK constraints forbid) is a deserialisation error, never a string to parse later.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;
use diesel::Connection;

use super::DbConn;

/// The backend `DbConn` speaks: PostgreSQL or SQLite, chosen per connection.
pub type MultiBackend = <DbConn as Connection>::Backend;

macro_rules! text_columns {
    ($($ty:ty),+ $(,)?) => {$(
        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Text, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                <str as ToSql<Text, Sqlite>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Pg> for $ty {
            fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
                Ok(text.parse::<$ty>()?)
            }
        }

        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Sqlite>>::from_sql(bytes)?;
                Ok(text.parse::<$ty>()?)
            }
        }

        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<$ty, Text>()
            }
        }
    )+};
}

use crate::domain::audit::AuditOutcome;
use crate::domain::availability::OutageService;
use crate::domain::breach::{BreachOutcome, ControllerKind, PeopleScope};
use crate::domain::journal::Visibility;
use crate::domain::notifications::{Notice, OutboxState};
use crate::domain::priority::Level3;
use crate::domain::reference_kinds::{
    CollectiviteSubkind, CompetenceDomain, EstablishmentKind, HolidayZone, OrganisationKind,
    Sector, TicketType,
};
use crate::domain::review::{ActionStatus, Audience, ReviewStatus};
use crate::domain::rights_request::DataSubjectRight;
use crate::domain::role::Role;
use crate::domain::routing::TargetKind;
use crate::domain::service_level_policy::ClockKind;
use crate::domain::technical_file::{EscalationJustification, TechnicalElement};
use crate::domain::ticket_lifecycle::{PendingReason, TicketStatus};
use crate::domain::ticket_read::{Channel, ReadPart};

text_columns!(
    ActionStatus,
    Audience,
    AuditOutcome,
    BreachOutcome,
    Channel,
    PeopleScope,
    ReadPart,
    ClockKind,
    CollectiviteSubkind,
    CompetenceDomain,
    ControllerKind,
    DataSubjectRight,
    EscalationJustification,
    EstablishmentKind,
    HolidayZone,
    Level3,
    Notice,
    OrganisationKind,
    OutageService,
    OutboxState,
    PendingReason,
    ReviewStatus,
    Role,
    Sector,
    TargetKind,
    TechnicalElement,
    TicketStatus,
    TicketType,
    Visibility,
);

/// A TEXT column holding JSON, read into and written from `T` at the row boundary.
#[derive(Debug, Clone, PartialEq, Default, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Json<T>(pub T);

fn to_json<T: serde::Serialize>(
    value: &T,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    Ok(serde_json::to_string(value)?)
}

impl<T: serde::Serialize + std::fmt::Debug> ToSql<Text, Pg> for Json<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        use std::io::Write;
        out.write_all(to_json(&self.0)?.as_bytes())?;
        Ok(IsNull::No)
    }
}

impl<T: serde::Serialize + std::fmt::Debug> ToSql<Text, Sqlite> for Json<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(to_json(&self.0)?);
        Ok(IsNull::No)
    }
}

impl<T: serde::Serialize + std::fmt::Debug + Send + Sync + 'static> ToSql<Text, MultiBackend>
    for Json<T>
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((Text, self));
        Ok(IsNull::No)
    }
}

impl<T: serde::de::DeserializeOwned> FromSql<Text, Pg> for Json<T> {
    fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(Json(serde_json::from_slice(bytes.as_bytes())?))
    }
}

impl<T: serde::de::DeserializeOwned> FromSql<Text, Sqlite> for Json<T> {
    fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Sqlite>>::from_sql(bytes)?;
        Ok(Json(serde_json::from_str(&text)?))
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromSql<Text, MultiBackend> for Json<T> {
    fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        bytes.from_sql::<Json<T>, Text>()
    }
}
