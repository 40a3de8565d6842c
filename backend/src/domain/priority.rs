//! ITIL priority: impact × urgency on a 3×3 matrix, giving P1 (most urgent) to P5.

use crate::text_enum;

text_enum! {
    /// How widely, or how urgently, a ticket matters.
    Level3 {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
}

/// Priority 1 (critical) to 5 (planning).
pub fn priority(impact: Level3, urgency: Level3) -> u8 {
    let rank = |l: Level3| match l {
        Level3::High => 0,
        Level3::Medium => 1,
        Level3::Low => 2,
    };
    1 + rank(impact) + rank(urgency)
}

#[cfg(test)]
mod tests {
    use super::Level3::*;
    use super::*;

    #[test]
    fn the_matrix_cell_by_cell() {
        let cells = [
            (High, High, 1),
            (High, Medium, 2),
            (High, Low, 3),
            (Medium, High, 2),
            (Medium, Medium, 3),
            (Medium, Low, 4),
            (Low, High, 3),
            (Low, Medium, 4),
            (Low, Low, 5),
        ];
        for (impact, urgency, expected) in cells {
            assert_eq!(priority(impact, urgency), expected, "{impact} × {urgency}");
        }
    }
}
