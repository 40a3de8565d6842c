//! Incident reviews: the steering bodies they are held for, their course, and the improvement
//! actions they decide.

use crate::text_enum;

text_enum! {
    /// The body a review is held for (the conventions' steering bodies).
    Audience {
        /// Comité stratégique.
        Costra => "costra",
        ComiteCoordination => "comite_coordination",
        /// Comité technique.
        Cotec => "cotec",
        CelluleCrise => "cellule_crise",
    }
}

text_enum! {
    /// Where a review stands: prepared, held with the partners, then published (its figures
    /// frozen).
    ReviewStatus {
        Draft => "draft",
        Held => "held",
        Published => "published",
    }
}

text_enum! {
    ActionStatus {
        Open => "open",
        InProgress => "in_progress",
        Done => "done",
        Dropped => "dropped",
    }
}

impl ReviewStatus {
    /// `draft → held → published`, one step at a time.
    pub fn can_become(self, next: ReviewStatus) -> bool {
        matches!(
            (self, next),
            (Self::Draft, Self::Held) | (Self::Held, Self::Published)
        )
    }
}

impl ActionStatus {
    /// Whether the action is still to do: it is carried to the following reviews.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::InProgress)
    }

    /// An open action moves anywhere; a done or dropped one is over.
    pub fn can_become(self, next: ActionStatus) -> bool {
        self.is_open() && self != next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_is_held_before_it_is_published_and_never_goes_back() {
        use ReviewStatus::*;
        assert!(Draft.can_become(Held));
        assert!(Held.can_become(Published));
        for (from, to) in [
            (Draft, Published),
            (Held, Draft),
            (Published, Held),
            (Published, Draft),
            (Draft, Draft),
        ] {
            assert!(!from.can_become(to), "{from:?} → {to:?}");
        }
    }

    #[test]
    fn done_and_dropped_actions_are_over() {
        use ActionStatus::*;
        assert!(
            Open.can_become(InProgress) && InProgress.can_become(Done) && Open.can_become(Dropped)
        );
        assert!(InProgress.can_become(Open));
        assert!(
            !Done.can_become(Open) && !Dropped.can_become(InProgress) && !Open.can_become(Open)
        );
        assert!(Open.is_open() && InProgress.is_open() && !Done.is_open() && !Dropped.is_open());
    }
}
