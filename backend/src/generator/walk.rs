//! Walking a ticket through the chain: each step is a use case of the services run as one
//! of the cast, at an instant of the simulated past, inside the batch's transaction.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc, Weekday};
use chrono_tz::Europe::Paris;
use rand::rngs::StdRng;
use rand::Rng;

use super::cast::Cast;
use crate::db::models::Category;
use crate::db::repo::tickets;
use crate::db::DbConn;
use crate::domain::ticket_lifecycle::TicketStatus;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::tickets::open::{open_in, OpenTicket};
use crate::services::tickets::pipeline::{change_in, Target, TicketChange};
use crate::services::tickets::routing;
use crate::services::tickets::views::TicketView;
use crate::services::unit_of_work::Tx;

/// What the generator wrote.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub tickets: usize,
    pub steps: usize,
    pub solved_at_level_0: usize,
    pub routed: usize,
    pub refused: usize,
    pub escalated: usize,
    pub vendor_questions: usize,
    pub level_3: usize,
    pub reopened: usize,
    pub closed: usize,
    pub major_incidents: usize,
    pub linked_children: usize,
}

/// A ticket on its way, as its last step left it.
pub struct Walked {
    pub reference: String,
    pub school: usize,
    pub category: Category,
    pub version: i32,
    pub status: TicketStatus,
    pub level: i32,
    /// Code of the organisation whose queue holds it.
    pub holder: String,
    /// Code of that queue.
    pub queue: String,
    /// The instant of its last step.
    pub at: DateTime<Utc>,
}

impl Walked {
    fn follow(&mut self, view: &TicketView, at: DateTime<Utc>) {
        self.version = view.version;
        self.status = view.status;
        self.level = view.level;
        self.holder = view.current_queue.organisation.clone();
        self.queue = view.current_queue.code.clone();
        self.at = at;
    }
}

pub struct Walker<'a> {
    pub cast: &'a Cast,
    /// Nothing happens at or after this instant: a story cut there is the backlog.
    pub end: DateTime<Utc>,
    pub rng: StdRng,
    pub tally: Tally,
    categories: HashMap<String, Category>,
}

/// Says which step of which ticket failed: a refused step is a fault of the generator's
/// stories, never to be hidden.
fn failed(reference: &str, step: &str, e: AppError) -> AppError {
    AppError::Internal(format!("{reference} : l'étape « {step} » a échoué : {e}"))
}

impl<'a> Walker<'a> {
    pub fn new(cast: &'a Cast, end: DateTime<Utc>, rng: StdRng) -> Self {
        Self {
            cast,
            end,
            rng,
            tally: Tally::default(),
            categories: HashMap::new(),
        }
    }

    pub fn category(&mut self, conn: &mut DbConn, code: &str) -> Result<Category, AppError> {
        if let Some(category) = self.categories.get(code) {
            return Ok(category.clone());
        }
        let category = routing::category(conn, code)?;
        self.categories.insert(code.to_owned(), category.clone());
        Ok(category)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.gen::<f64>() < p
    }

    /// An instant `mean_minutes` later on average (exponentially), moved into working hours
    /// (Monday to Friday, 08:00 to 18:00 in Paris) when it falls outside.
    pub fn later(&mut self, from: DateTime<Utc>, mean_minutes: f64) -> DateTime<Utc> {
        let minutes = -mean_minutes * (1.0 - self.rng.gen::<f64>()).ln();
        let at = from + Duration::seconds((minutes * 60.0) as i64 + 30);
        let local = at.with_timezone(&Paris);
        let working_day = !matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
        let hour = local.time();
        let opens = NaiveTime::from_hms_opt(8, 0, 0).expect("08:00");
        let closes = NaiveTime::from_hms_opt(18, 0, 0).expect("18:00");
        if working_day && hour >= opens && hour < closes {
            return at;
        }
        let mut day = local.date_naive();
        if hour >= closes || !working_day {
            day += Duration::days(1);
        }
        while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            day += Duration::days(1);
        }
        let minute = self.rng.gen_range(0..120);
        super::openings::local_instant(day, 8 + minute / 60, &mut self.rng)
            .max(from + Duration::minutes(1))
    }

    /// Opens a ticket as the school's correspondent at `at`.
    pub fn open(
        &mut self,
        conn: &mut DbConn,
        school: usize,
        at: DateTime<Utc>,
        request: OpenTicket,
    ) -> Result<Walked, AppError> {
        let category = self.category(conn, &request.category)?;
        let caller = &self.cast.schools[school].correspondent;
        let mut tx = Tx::replaying(conn, at);
        let view = open_in(&mut tx, caller, request, None).map_err(|e| failed("—", "open", e))?;
        self.tally.tickets += 1;
        self.tally.steps += 1;
        Ok(Walked {
            reference: view.reference.clone(),
            school,
            category,
            version: view.version,
            status: view.status,
            level: view.level,
            holder: view.current_queue.organisation.clone(),
            queue: view.current_queue.code.clone(),
            at,
        })
    }

    /// Runs `change` as `who` at `at`; `false` (nothing done) when `at` is past the end.
    pub fn act_at<C>(
        &mut self,
        conn: &mut DbConn,
        ticket: &mut Walked,
        who: &Caller,
        at: DateTime<Utc>,
        change: C,
    ) -> Result<bool, AppError>
    where
        C: TicketChange<Reply = TicketView>,
    {
        if at >= self.end {
            return Ok(false);
        }
        let step = change.action();
        let target = Target {
            reference: ticket.reference.clone(),
            if_match: Some(ticket.version),
        };
        let mut tx = Tx::replaying(conn, at);
        let view = change_in(&mut tx, who, &target, change)
            .map_err(|e| failed(&ticket.reference, step, e))?;
        ticket.follow(&view, at);
        self.tally.steps += 1;
        Ok(true)
    }

    /// Runs `change` as `who` some `mean_minutes` after the ticket's last step.
    pub fn act<C>(
        &mut self,
        conn: &mut DbConn,
        ticket: &mut Walked,
        who: &Caller,
        mean_minutes: f64,
        change: C,
    ) -> Result<bool, AppError>
    where
        C: TicketChange<Reply = TicketView>,
    {
        let at = self.later(ticket.at, mean_minutes);
        self.act_at(conn, ticket, who, at, change)
    }

    /// Reads the ticket's state again after a write made through another ticket (a major
    /// incident resolving its children).
    pub fn refresh(&mut self, conn: &mut DbConn, ticket: &mut Walked) -> Result<(), AppError> {
        let row = tickets::find_by_reference(conn, &ticket.reference)?
            .ok_or_else(|| AppError::Internal(format!("{} vanished", ticket.reference)))?;
        ticket.version = row.version;
        ticket.status = row.status;
        ticket.level = row.level;
        Ok(())
    }
}
