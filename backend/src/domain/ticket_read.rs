//! What the access log tells apart about a read of a ticket.

use crate::text_enum;

text_enum! {
    /// The part of a ticket a read showed.
    ReadPart {
        /// The ticket itself (`GET /tickets/{reference}`).
        Ticket => "ticket",
        /// Its journal.
        Journal => "journal",
        /// Its path between organisations (agents).
        Hops => "hops",
        /// The list of its attachments.
        Attachments => "attachments",
        /// The contents of one attachment.
        Attachment => "attachment",
        /// The web desk's page of the ticket (ticket, journal, hops and attachments).
        Page => "page",
    }
}

text_enum! {
    /// Through what a caller reached the desk.
    Channel {
        /// The JSON API (bearer token).
        Api => "api",
        /// The web desk (session cookie).
        Web => "web",
    }
}
