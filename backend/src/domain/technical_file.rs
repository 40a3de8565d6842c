//! The technical file of a ticket and the escalation gate to the vendor: only from level 1,
//! only for a proven malfunction or a request unresolved at level 1, and only with every
//! element the category requires.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::text_enum;

text_enum! {
    /// Who is affected.
    Profile {
        Pupil => "pupil",
        Parent => "parent",
        Teacher => "teacher",
        Staff => "staff",
    }
}

text_enum! {
    /// One element of a technical file.
    TechnicalElement {
        AffectedProfiles => "affected_profiles",
        UsersAffected => "users_affected",
        BrowserDevice => "browser_device",
        OccurredAt => "occurred_at",
        StepsToReproduce => "steps_to_reproduce",
        ErrorMessage => "error_message",
        Url => "url",
    }
}

text_enum! {
    /// Why a ticket goes to the vendor.
    EscalationJustification {
        ProvenMalfunction => "proven_malfunction",
        UnresolvedAtLevel1 => "unresolved_at_level_1",
    }
}

/// What the vendor needs to find the cause (convention Grand Est, art. 6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnicalFile {
    #[serde(default)]
    pub affected_profiles: Vec<Profile>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 2147483647)]
    pub users_affected: Option<u32>,
    #[serde(default)]
    pub browser_device: Option<String>,
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub steps_to_reproduce: Option<String>,
    #[serde(default)]
    pub error_message: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

fn filled(text: &Option<String>) -> bool {
    text.as_deref().is_some_and(|t| !t.trim().is_empty())
}

impl TechnicalFile {
    pub fn has(&self, element: TechnicalElement) -> bool {
        match element {
            TechnicalElement::AffectedProfiles => !self.affected_profiles.is_empty(),
            TechnicalElement::UsersAffected => self.users_affected.is_some_and(|n| n > 0),
            TechnicalElement::BrowserDevice => filled(&self.browser_device),
            TechnicalElement::OccurredAt => self.occurred_at.is_some(),
            TechnicalElement::StepsToReproduce => filled(&self.steps_to_reproduce),
            TechnicalElement::ErrorMessage => filled(&self.error_message),
            TechnicalElement::Url => filled(&self.url),
        }
    }

    /// The required elements this file lacks, in the order required.
    pub fn missing(&self, required: &[TechnicalElement]) -> Vec<TechnicalElement> {
        required.iter().copied().filter(|e| !self.has(*e)).collect()
    }

    /// Fills what `update` gives, keeping what it leaves out.
    pub fn merge(&mut self, update: TechnicalFile) {
        if !update.affected_profiles.is_empty() {
            self.affected_profiles = update.affected_profiles;
        }
        self.users_affected = update.users_affected.or(self.users_affected);
        self.browser_device = update.browser_device.or(self.browser_device.take());
        self.occurred_at = update.occurred_at.or(self.occurred_at);
        self.steps_to_reproduce = update.steps_to_reproduce.or(self.steps_to_reproduce.take());
        self.error_message = update.error_message.or(self.error_message.take());
        self.url = update.url.or(self.url.take());
    }
}

/// Why an escalation to the vendor is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationRefusal {
    /// Only a level-1 ticket goes to level 2.
    NotAtLevelOne(u8),
    MissingJustification,
    MissingElements(Vec<TechnicalElement>),
}

/// The gate from level 1 to the vendor's level 2.
pub fn check_escalation(
    level: u8,
    justification: Option<EscalationJustification>,
    file: &TechnicalFile,
    required: &[TechnicalElement],
) -> Result<EscalationJustification, EscalationRefusal> {
    if level != 1 {
        return Err(EscalationRefusal::NotAtLevelOne(level));
    }
    let justification = justification.ok_or(EscalationRefusal::MissingJustification)?;
    let missing = file.missing(required);
    if !missing.is_empty() {
        return Err(EscalationRefusal::MissingElements(missing));
    }
    Ok(justification)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> TechnicalFile {
        TechnicalFile {
            affected_profiles: vec![Profile::Teacher],
            users_affected: Some(30),
            browser_device: Some("Firefox 140, Windows 11".into()),
            occurred_at: Some(Utc::now()),
            steps_to_reproduce: Some("Ouvrir le cahier de textes".into()),
            error_message: Some("Erreur 500".into()),
            url: Some("https://ent.example/cdt".into()),
        }
    }

    #[test]
    fn a_complete_file_at_level_one_passes() {
        let all = TechnicalElement::ALL;
        assert_eq!(
            check_escalation(
                1,
                Some(EscalationJustification::ProvenMalfunction),
                &complete(),
                all
            ),
            Ok(EscalationJustification::ProvenMalfunction)
        );
    }

    #[test]
    fn each_missing_element_is_named() {
        let mut file = complete();
        file.error_message = Some("   ".into());
        file.users_affected = Some(0);
        let refusal = check_escalation(
            1,
            Some(EscalationJustification::UnresolvedAtLevel1),
            &file,
            TechnicalElement::ALL,
        );
        assert_eq!(
            refusal,
            Err(EscalationRefusal::MissingElements(vec![
                TechnicalElement::UsersAffected,
                TechnicalElement::ErrorMessage
            ]))
        );
        // Elements a category does not require do not matter.
        assert!(check_escalation(
            1,
            Some(EscalationJustification::UnresolvedAtLevel1),
            &file,
            &[TechnicalElement::Url]
        )
        .is_ok());
    }

    #[test]
    fn only_level_one_with_a_justification() {
        let j = Some(EscalationJustification::ProvenMalfunction);
        assert_eq!(
            check_escalation(0, j, &complete(), &[]),
            Err(EscalationRefusal::NotAtLevelOne(0))
        );
        assert_eq!(
            check_escalation(2, j, &complete(), &[]),
            Err(EscalationRefusal::NotAtLevelOne(2))
        );
        assert_eq!(
            check_escalation(1, None, &complete(), &[]),
            Err(EscalationRefusal::MissingJustification)
        );
    }

    #[test]
    fn merge_keeps_what_the_update_leaves_out() {
        let mut file = TechnicalFile {
            url: Some("https://ent.example".into()),
            ..TechnicalFile::default()
        };
        file.merge(TechnicalFile {
            error_message: Some("Erreur".into()),
            ..TechnicalFile::default()
        });
        assert!(file.has(TechnicalElement::Url) && file.has(TechnicalElement::ErrorMessage));
    }
}
