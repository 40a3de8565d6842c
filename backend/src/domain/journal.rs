//! Who may read a journal event.

use crate::text_enum;

text_enum! {
    /// Who may read an event: `public` reaches the school, `internal` only agents.
    Visibility {
        Public => "public",
        Internal => "internal",
    }
}
