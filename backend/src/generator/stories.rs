//! The stories tickets live, step by step through the services: the guichet qualifies and
//! routes by the authority's rules or treats itself; a service or a collectivité takes the
//! ticket on, sometimes refuses it, asks the school, escalates to the vendor with a complete
//! technical file; the vendor asks the authority, moves to level 3, offers a workaround,
//! then the solution; the school confirms, sometimes reopens. Major incidents gather the
//! tickets of a territory's outage. A story stops where the simulated time ends: what is
//! left is the backlog.

use chrono::{DateTime, Duration, Utc};
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand::Rng;

use super::catalogue::{Subject, OUTAGE_DESCRIPTION, OUTAGE_TITLE, SUBJECTS};
use super::walk::{Walked, Walker};
use crate::db::DbConn;
use crate::domain::priority::Level3;
use crate::domain::reference_kinds::CompetenceDomain;
use crate::domain::technical_file::{EscalationJustification, Profile, TechnicalFile};
use crate::domain::ticket_lifecycle::{PendingReason, TicketAction, TicketStatus};
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::tickets::actions::{
    ActionRequest, DeclareMajor, InformationRequest, LinkChild, QualifyRequest, RefuseRequest,
    RouteRequest,
};
use crate::services::tickets::escalation::{AnswerKind, EscalateRequest, VendorAnswer};
use crate::services::tickets::open::OpenTicket;
use crate::services::tickets::routing::decide;

/// Stops the story when a step would fall past the end (answering `$stopped` where the
/// story tells its caller so).
macro_rules! step {
    ($e:expr) => {
        step!($e, ())
    };
    ($e:expr, $stopped:expr) => {
        if !$e? {
            return Ok($stopped);
        }
    };
}

fn action(action: TicketAction) -> ActionRequest {
    ActionRequest {
        action,
        pending_reason: None,
        resolution: None,
        assignee: None,
        comment: None,
    }
}

fn resolve(text: &str) -> ActionRequest {
    ActionRequest {
        resolution: Some(text.to_owned()),
        ..action(TicketAction::Resolve)
    }
}

fn level(rng: &mut impl Rng) -> Level3 {
    *[Level3::High, Level3::Medium, Level3::Medium, Level3::Low]
        .choose(rng)
        .expect("levels")
}

/// A technical file with every element the vendor may ask for.
fn complete_file(at: DateTime<Utc>, rng: &mut impl Rng) -> TechnicalFile {
    TechnicalFile {
        affected_profiles: vec![Profile::Pupil, Profile::Teacher],
        users_affected: Some(rng.gen_range(1..400)),
        browser_device: Some("Firefox 128 sur un poste Windows 11 de l'établissement".into()),
        occurred_at: Some(at - Duration::hours(2)),
        steps_to_reproduce: Some(
            "Se connecter à l'ENT, ouvrir le service, choisir une classe : l'erreur s'affiche."
                .into(),
        ),
        error_message: Some("Erreur 500 : le service est momentanément indisponible".into()),
        url: Some("https://ent.example.fr/service".into()),
    }
}

/// Assigned to `who` some `mean_minutes` after the last step, then started.
fn take_on(
    w: &mut Walker,
    conn: &mut DbConn,
    t: &mut Walked,
    who: &Caller,
    mean_minutes: f64,
) -> Result<bool, AppError> {
    step!(
        w.act(conn, t, who, mean_minutes, action(TicketAction::Assign)),
        false
    );
    w.act(conn, t, who, 30.0, action(TicketAction::Start))
}

pub struct Stories {
    subjects: WeightedIndex<f64>,
}

impl Default for Stories {
    fn default() -> Self {
        Self {
            subjects: WeightedIndex::new(SUBJECTS.iter().map(|s| s.weight))
                .expect("subjects with a weight"),
        }
    }
}

impl Stories {
    fn subject(&self, w: &mut Walker) -> &'static Subject {
        &SUBJECTS[self.subjects.sample(&mut w.rng)]
    }

    /// An ordinary ticket: opened at `at` by `school`'s correspondent, then its life.
    pub fn ordinary(
        &self,
        w: &mut Walker,
        conn: &mut DbConn,
        school: usize,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let subject = self.subject(w);
        let solved_here = w.chance(0.10);
        let request = OpenTicket {
            establishment: w.cast.schools[school].establishment.uai.clone(),
            title: subject.title.to_owned(),
            description: subject.description.to_owned(),
            category: subject.category.to_owned(),
            impact: Some(level(&mut w.rng)),
            urgency: Some(level(&mut w.rng)),
            technical_file: None,
            solved_at_level_0: solved_here.then(|| {
                "Résolu dans l'établissement : mot de passe réinitialisé par le référent.".into()
            }),
        };
        let mut ticket = w.open(conn, school, at, request)?;
        if solved_here {
            w.tally.solved_at_level_0 += 1;
            return Ok(());
        }
        let authority = w.cast.schools[school].authority.code.clone();
        if ticket.holder == authority {
            self.at_guichet(w, conn, &mut ticket)
        } else {
            // A rule sent it at opening to the vendor's vie scolaire support.
            let vendor = w.cast.handler(&ticket.holder)?;
            step!(self.treat(w, conn, &mut ticket, vendor, false));
            self.after_resolution(w, conn, &mut ticket)
        }
    }

    /// At the guichet: qualified sometimes, then treated there or routed by the rules.
    fn at_guichet(
        &self,
        w: &mut Walker,
        conn: &mut DbConn,
        t: &mut Walked,
    ) -> Result<(), AppError> {
        let school = &w.cast.schools[t.school];
        let guichet = w.cast.guichet(&school.authority.code)?;
        if w.chance(0.3) {
            let qualify = QualifyRequest {
                category: None,
                ticket_type: None,
                impact: Some(level(&mut w.rng)),
                urgency: Some(level(&mut w.rng)),
                technical_file: None,
            };
            step!(w.act(conn, t, guichet, 40.0, qualify));
        }
        let escalable = matches!(
            t.category.domain,
            CompetenceDomain::Usage | CompetenceDomain::Identity | CompetenceDomain::VieScolaire
        );
        let decision = match t.category.domain {
            CompetenceDomain::Guichet => None,
            _ => decide(
                conn,
                &school.establishment,
                &school.authority,
                &school.collectivite,
                &t.category,
                false,
            )?,
        };
        let routed = decision
            .is_some_and(|d| d.editor.is_some() || (d.queue.level <= 1 && d.queue.code != t.queue))
            && !(t.category.domain == CompetenceDomain::Usage && w.chance(0.4));
        if !routed {
            step!(self.treat(w, conn, t, guichet, escalable));
            return self.after_resolution(w, conn, t);
        }
        let route = RouteRequest {
            by_rule: true,
            queue: None,
            reason: None,
            external_reference: None,
        };
        step!(w.act(conn, t, guichet, 30.0, route));
        w.tally.routed += 1;
        let handler = w.cast.handler(&t.holder)?;
        if t.status == TicketStatus::Pending {
            // With a software editor: the service waits for its answer, then resumes.
            step!(w.act(
                conn,
                t,
                handler,
                3.0 * 24.0 * 60.0,
                action(TicketAction::Resume)
            ));
            step!(w.act(
                conn,
                t,
                handler,
                60.0,
                resolve("Correctif de l'éditeur installé.")
            ));
            return self.after_resolution(w, conn, t);
        }
        if w.chance(0.08) {
            let refuse = RefuseRequest {
                reason: "Hors de notre périmètre : la demande relève du guichet.".into(),
            };
            step!(w.act(conn, t, handler, 120.0, refuse));
            w.tally.refused += 1;
            step!(self.treat(w, conn, t, guichet, escalable));
            return self.after_resolution(w, conn, t);
        }
        let escalable = escalable && w.cast.schools[t.school].authority.code == t.holder;
        step!(self.treat(w, conn, t, handler, escalable));
        self.after_resolution(w, conn, t)
    }

    /// Taken on by `who`: assigned, started, sometimes a question to the school, then
    /// resolved or escalated to the vendor. `Ok(false)` when the time ran out.
    fn treat(
        &self,
        w: &mut Walker,
        conn: &mut DbConn,
        t: &mut Walked,
        who: &Caller,
        escalable: bool,
    ) -> Result<bool, AppError> {
        step!(take_on(w, conn, t, who, 60.0), false);
        if w.chance(0.15) {
            let ask = ActionRequest {
                pending_reason: Some(PendingReason::Requester),
                comment: Some("Pouvez-vous préciser les classes et les comptes concernés ?".into()),
                ..action(TicketAction::Suspend)
            };
            step!(w.act(conn, t, who, 120.0, ask), false);
            let school = &w.cast.schools[t.school].correspondent;
            let answer = InformationRequest {
                body: "Les 4e A et 4e B, une cinquantaine d'élèves.".into(),
            };
            step!(w.act(conn, t, school, 24.0 * 60.0, answer), false);
        }
        if escalable && w.chance(0.22) {
            let escalate = EscalateRequest {
                justification: Some(if w.chance(0.7) {
                    EscalationJustification::ProvenMalfunction
                } else {
                    EscalationJustification::UnresolvedAtLevel1
                }),
                technical_file: Some(complete_file(t.at, &mut w.rng)),
            };
            step!(w.act(conn, t, who, 180.0, escalate), false);
            w.tally.escalated += 1;
            return self.at_vendor(w, conn, t);
        }
        if w.cast.is_vendor(&t.holder) {
            let solution = VendorAnswer {
                kind: AnswerKind::Solution,
                body: "Paramétrage corrigé de notre côté : le service fonctionne de nouveau."
                    .into(),
            };
            return w.act(conn, t, who, 8.0 * 60.0, solution);
        }
        w.act(
            conn,
            t,
            who,
            6.0 * 60.0,
            resolve("Corrigé : merci de confirmer."),
        )
    }

    /// At the vendor's level 2: a question to the authority sometimes, level 3 sometimes, a
    /// workaround sometimes, then the solution.
    fn at_vendor(
        &self,
        w: &mut Walker,
        conn: &mut DbConn,
        t: &mut Walked,
    ) -> Result<bool, AppError> {
        let vendor = w.cast.handler(&t.holder)?;
        step!(take_on(w, conn, t, vendor, 120.0), false);
        if w.chance(0.25) {
            let question = VendorAnswer {
                kind: AnswerKind::Question,
                body: "Pouvez-vous nous transmettre l'identifiant d'un compte concerné ?".into(),
            };
            step!(w.act(conn, t, vendor, 4.0 * 60.0, question), false);
            w.tally.vendor_questions += 1;
            let authority = w.cast.guichet(&w.cast.schools[t.school].authority.code)?;
            let answer = InformationRequest {
                body: "Compte d'un élève de 4e A, connexion vers 9 h.".into(),
            };
            step!(w.act(conn, t, authority, 6.0 * 60.0, answer), false);
        }
        if w.chance(0.10) {
            let level_3 = EscalateRequest {
                justification: None,
                technical_file: None,
            };
            step!(w.act(conn, t, vendor, 24.0 * 60.0, level_3), false);
            w.tally.level_3 += 1;
            step!(take_on(w, conn, t, vendor, 120.0), false);
        }
        if w.chance(0.2) {
            let workaround = VendorAnswer {
                kind: AnswerKind::Workaround,
                body: "En attendant le correctif : passer par le menu « Mes services ».".into(),
            };
            step!(w.act(conn, t, vendor, 24.0 * 60.0, workaround), false);
        }
        let solution = VendorAnswer {
            kind: AnswerKind::Solution,
            body: "Correctif déployé en production : le service fonctionne de nouveau.".into(),
        };
        w.act(conn, t, vendor, 2.0 * 24.0 * 60.0, solution)
    }

    /// The school confirms the resolution, or reopens it once in a while; some tickets are
    /// left for the automatic closing.
    fn after_resolution(
        &self,
        w: &mut Walker,
        conn: &mut DbConn,
        t: &mut Walked,
    ) -> Result<(), AppError> {
        if t.status != TicketStatus::Resolved {
            return Ok(());
        }
        let school = &w.cast.schools[t.school].correspondent;
        if w.chance(0.06) {
            let reopen = ActionRequest {
                comment: Some("Le problème est revenu ce matin.".into()),
                ..action(TicketAction::Reopen)
            };
            step!(w.act(conn, t, school, 24.0 * 60.0, reopen));
            w.tally.reopened += 1;
            let handler = w.cast.handler(&t.holder)?;
            step!(w.act(
                conn,
                t,
                handler,
                4.0 * 60.0,
                resolve("Nouvelle correction appliquée.")
            ));
        }
        if w.chance(0.75) {
            step!(w.act(conn, t, school, 24.0 * 60.0, action(TicketAction::Close)));
            w.tally.closed += 1;
        }
        Ok(())
    }

    /// A major incident in `territory` from `at`: the first school's ticket is declared
    /// major by the guichet, the tickets other schools open in the next hour and a half are
    /// linked to it, its resolution resolves them all and ends the outage.
    pub fn major_incident(
        &self,
        w: &mut Walker,
        conn: &mut DbConn,
        territory: &str,
        at: DateTime<Utc>,
        children: usize,
    ) -> Result<(), AppError> {
        let schools: Vec<usize> = w.cast.schools_of(territory).collect();
        let Some(&first) = schools.choose(&mut w.rng) else {
            return Ok(());
        };
        let outage = |w: &mut Walker, school: usize| OpenTicket {
            establishment: w.cast.schools[school].establishment.uai.clone(),
            title: OUTAGE_TITLE.into(),
            description: OUTAGE_DESCRIPTION.into(),
            category: "ent-indisponible".into(),
            impact: Some(Level3::High),
            urgency: Some(Level3::High),
            technical_file: None,
            solved_at_level_0: None,
        };
        let request = outage(w, first);
        let mut major = w.open(conn, first, at, request)?;
        // Same authority for all: the guichet links only the tickets it owns.
        let authority = w.cast.schools[first].authority.code.clone();
        let guichet = w.cast.guichet(&authority)?;
        let mut now = at;
        for change in [TicketAction::Assign, TicketAction::Start] {
            now += Duration::minutes(5);
            step!(w.act_at(conn, &mut major, guichet, now, action(change)));
        }
        now += Duration::minutes(5);
        step!(w.act_at(conn, &mut major, guichet, now, DeclareMajor));
        w.tally.major_incidents += 1;
        let same_authority: Vec<usize> = schools
            .into_iter()
            .filter(|s| w.cast.schools[*s].authority.code == authority)
            .collect();
        let mut linked = Vec::new();
        for _ in 0..children {
            let school = *same_authority.choose(&mut w.rng).expect("the first school");
            now += Duration::minutes(w.rng.gen_range(1..12));
            if now >= w.end {
                return Ok(());
            }
            let request = outage(w, school);
            let child = w.open(conn, school, now, request)?;
            now += Duration::minutes(3);
            let link = LinkChild {
                child: child.reference.clone(),
            };
            step!(w.act_at(conn, &mut major, guichet, now, link));
            w.tally.linked_children += 1;
            linked.push(child);
        }
        now += Duration::minutes(w.rng.gen_range(60..300));
        let fixed = resolve(
            "Service rétabli : un serveur d'authentification du titulaire a été redémarré.",
        );
        step!(w.act_at(conn, &mut major, guichet, now, fixed));
        for mut child in linked.into_iter().chain([major]) {
            w.refresh(conn, &mut child)?;
            child.at = now;
            self.after_resolution(w, conn, &mut child)?;
        }
        Ok(())
    }
}
