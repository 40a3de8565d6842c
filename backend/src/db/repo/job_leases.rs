use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::backend_specific;
use crate::db::schema::job_leases;
use crate::db::DbConn;

/// Takes the job's lease until `until` if it is free (expired, or never taken); `false`
/// while a run of this period holds it, whichever instance made it.
pub fn claim(
    conn: &mut DbConn,
    job: &str,
    holder: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let taken = diesel::update(
        job_leases::table
            .filter(job_leases::job.eq(job))
            .filter(job_leases::leased_until.le(now)),
    )
    .set((
        job_leases::holder.eq(holder),
        job_leases::leased_until.eq(until),
    ))
    .execute(conn)?;
    if taken == 1 {
        return Ok(true);
    }
    Ok(backend_specific::insert_lease_if_absent(conn, job, holder, until)? == 1)
}
