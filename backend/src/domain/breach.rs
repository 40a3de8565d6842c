//! Personal-data breaches (GDPR art. 33; Grand Est convention art. 7): the scope of the
//! people affected designates the controller that notifies the CNIL, within 72 hours of
//! awareness, wall-clock time.

use chrono::{DateTime, Duration, Utc};

use crate::text_enum;

text_enum! {
    /// Whose personal data a breach affects or a rights request concerns, as art. 7 tells
    /// the cases apart.
    PeopleScope {
        /// All the users of the territory's ENT.
        Territory => "territory",
        /// All the users of one académie.
        Academie => "academie",
        /// All the users of one département.
        Departement => "departement",
        /// One or a few establishments.
        Establishments => "establishments",
    }
}

text_enum! {
    /// The controller that notifies the CNIL.
    ControllerKind {
        /// The Région (president of the regional council).
        Region => "region",
        /// The académie's academic authority (the recteur).
        AcademicAuthority => "academic_authority",
        /// The département's collectivité (president of the departmental council).
        DepartementCollectivite => "departement_collectivite",
        /// The heads of the establishments concerned.
        HeadsOfEstablishment => "heads_of_establishment",
    }
}

impl PeopleScope {
    /// The notifying controller art. 7 designates for this scope.
    pub fn controller(self) -> ControllerKind {
        match self {
            Self::Territory => ControllerKind::Region,
            Self::Academie => ControllerKind::AcademicAuthority,
            Self::Departement => ControllerKind::DepartementCollectivite,
            Self::Establishments => ControllerKind::HeadsOfEstablishment,
        }
    }
}

impl ControllerKind {
    /// Why this controller is the one, in the convention's words (for a breach, it
    /// notifies the CNIL; for a rights request, it answers).
    pub fn reason(self) -> &'static str {
        match self {
            Self::Region => {
                "Les personnes concernées sont l'ensemble des utilisateurs de l'ENT : la Région \
                 est le responsable de traitement désigné (convention, art. 7)."
            }
            Self::AcademicAuthority => {
                "Les personnes concernées sont l'ensemble des utilisateurs d'une académie : son \
                 autorité académique est le responsable de traitement désigné (convention, art. 7)."
            }
            Self::DepartementCollectivite => {
                "Les personnes concernées sont l'ensemble des utilisateurs d'un département : la \
                 collectivité concernée est le responsable de traitement désigné (convention, \
                 art. 7)."
            }
            Self::HeadsOfEstablishment => {
                "Les personnes concernées relèvent d'un ou quelques établissements : leurs chefs \
                 d'établissement sont les responsables de traitement désignés (convention, art. 7)."
            }
        }
    }
}

/// The CNIL must be notified within 72 hours of awareness (GDPR art. 33), counted on the
/// wall clock: nights, weekends and holidays included.
pub const NOTIFICATION_HOURS: i64 = 72;

/// When the notification is due.
pub fn notification_deadline(aware_at: DateTime<Utc>) -> DateTime<Utc> {
    aware_at + Duration::hours(NOTIFICATION_HOURS)
}

text_enum! {
    /// The reminders of a breach whose notification is not recorded, in the order they come.
    DeadlineAlert {
        /// 24 hours left.
        DayLeft => "day_left",
        /// 6 hours left.
        SixHoursLeft => "six_hours_left",
        /// The deadline passed.
        Overdue => "overdue",
    }
}

impl DeadlineAlert {
    /// Its rank, as stored: the last one recorded (0 before any).
    pub fn stage(self) -> i32 {
        match self {
            Self::DayLeft => 1,
            Self::SixHoursLeft => 2,
            Self::Overdue => 3,
        }
    }

    /// How long before the deadline it comes.
    pub fn ahead(self) -> Duration {
        match self {
            Self::DayLeft => Duration::hours(24),
            Self::SixHoursLeft => Duration::hours(6),
            Self::Overdue => Duration::zero(),
        }
    }

    /// When it comes, for a notification due at `deadline`.
    pub fn due_at(self, deadline: DateTime<Utc>) -> DateTime<Utc> {
        deadline - self.ahead()
    }

    /// The latest reminder due at `now`; the earlier ones are past being useful.
    pub fn latest_due(deadline: DateTime<Utc>, now: DateTime<Utc>) -> Option<Self> {
        Self::ALL
            .iter()
            .rev()
            .copied()
            .find(|alert| alert.due_at(deadline) <= now)
    }

    /// What the reminder says, with the deadline in French words.
    pub fn sentence(self, deadline: &str) -> String {
        match self {
            Self::DayLeft => format!(
                "Il reste 24 heures pour notifier la violation à la CNIL (échéance : {deadline})."
            ),
            Self::SixHoursLeft => format!(
                "Il reste 6 heures pour notifier la violation à la CNIL (échéance : {deadline})."
            ),
            Self::Overdue => format!(
                "Le délai de 72 heures pour notifier la violation à la CNIL est dépassé \
                 (échéance : {deadline}) : notifiez-la au plus vite en expliquant le retard."
            ),
        }
    }
}

text_enum! {
    /// What the controller decided.
    BreachOutcome {
        /// Notified to the CNIL (with its reference).
        Notified => "notified",
        /// Not notified: unlikely to result in a risk to people (GDPR art. 33.1), with the
        /// reason, which the record keeps (art. 33.5).
        NotNotified => "not_notified",
    }
}

text_enum! {
    /// The people whose data a breach affects.
    PeopleCategory {
        Pupils => "pupils",
        LegalRepresentatives => "legal_representatives",
        Teachers => "teachers",
        Staff => "staff",
        Others => "others",
    }
}

text_enum! {
    /// The kinds of personal data a breach affects.
    RecordCategory {
        Identity => "identity",
        Contact => "contact",
        Credentials => "credentials",
        SchoolLife => "school_life",
        Assessments => "assessments",
        Messages => "messages",
        Documents => "documents",
        Other => "other",
    }
}

impl PeopleCategory {
    pub fn label(self) -> &'static str {
        match self {
            Self::Pupils => "élèves",
            Self::LegalRepresentatives => "représentants légaux",
            Self::Teachers => "enseignants",
            Self::Staff => "personnels",
            Self::Others => "autres personnes",
        }
    }
}

impl RecordCategory {
    pub fn label(self) -> &'static str {
        match self {
            Self::Identity => "identité",
            Self::Contact => "coordonnées",
            Self::Credentials => "identifiants de connexion",
            Self::SchoolLife => "vie scolaire",
            Self::Assessments => "notes et évaluations",
            Self::Messages => "messages",
            Self::Documents => "documents",
            Self::Other => "autres données",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::Paris;

    fn paris(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Paris
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn each_scope_names_the_controller_of_article_7() {
        assert_eq!(PeopleScope::Territory.controller(), ControllerKind::Region);
        assert_eq!(
            PeopleScope::Academie.controller(),
            ControllerKind::AcademicAuthority
        );
        assert_eq!(
            PeopleScope::Departement.controller(),
            ControllerKind::DepartementCollectivite
        );
        assert_eq!(
            PeopleScope::Establishments.controller(),
            ControllerKind::HeadsOfEstablishment
        );
        assert!(ControllerKind::Region.reason().contains("la Région"));
        assert!(ControllerKind::HeadsOfEstablishment
            .reason()
            .contains("chefs d'établissement"));
    }

    #[test]
    fn the_deadline_is_72_hours_across_a_weekend_and_the_autumn_clock_change() {
        // Friday 23 October 2026, 10:00 in Paris (summer time); the clocks go back on
        // Sunday 25th: 72 hours later it is 09:00 on Monday, winter time.
        let aware = paris(2026, 10, 23, 10);
        let deadline = notification_deadline(aware);
        assert_eq!(deadline, paris(2026, 10, 26, 9));
        assert_eq!((deadline - aware).num_seconds(), 72 * 3600);
    }

    #[test]
    fn the_deadline_is_72_hours_across_the_spring_clock_change() {
        // Friday 27 March 2026, 18:00 (winter time); the clocks go forward on Sunday 29th.
        let aware = paris(2026, 3, 27, 18);
        assert_eq!(notification_deadline(aware), paris(2026, 3, 30, 19));
    }

    #[test]
    fn reminders_come_24_and_6_hours_before_and_at_the_deadline() {
        let aware = paris(2026, 11, 27, 16);
        let deadline = notification_deadline(aware);
        let just_before = |h: i64| deadline - Duration::hours(h) - Duration::seconds(1);
        assert_eq!(DeadlineAlert::latest_due(deadline, just_before(24)), None);
        assert_eq!(
            DeadlineAlert::latest_due(deadline, deadline - Duration::hours(24)),
            Some(DeadlineAlert::DayLeft)
        );
        assert_eq!(
            DeadlineAlert::latest_due(deadline, just_before(6)),
            Some(DeadlineAlert::DayLeft)
        );
        assert_eq!(
            DeadlineAlert::latest_due(deadline, deadline - Duration::hours(6)),
            Some(DeadlineAlert::SixHoursLeft)
        );
        assert_eq!(
            DeadlineAlert::latest_due(deadline, deadline),
            Some(DeadlineAlert::Overdue)
        );
        assert!(DeadlineAlert::DayLeft.stage() < DeadlineAlert::SixHoursLeft.stage());
        assert!(DeadlineAlert::SixHoursLeft.stage() < DeadlineAlert::Overdue.stage());
    }
}
