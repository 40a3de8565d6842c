//! Notification messages from their templates (`templates/email/<notice>/{subject,html,text}.hbs`
//! and shared partials), compiled into the binary. Handlebars in strict mode: a template that
//! names a value the data lacks fails its test. The HTML part escapes every value; the subject
//! and the plain-text part are not HTML and are not escaped (a title with `&` stays `&`).

use handlebars::Handlebars;
use serde_json::{json, Value};

use crate::domain::notifications::Notice;
use crate::domain::ticket_lifecycle::TicketStatus;

/// One message, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
}

macro_rules! notice_templates {
    ($($name:literal),+ $(,)?) => {
        /// Each notice's subject, HTML and text templates.
        const TEMPLATES: &[(&str, &str, &str, &str)] = &[$((
            $name,
            include_str!(concat!("../../../../templates/email/", $name, "/subject.hbs")),
            include_str!(concat!("../../../../templates/email/", $name, "/html.hbs")),
            include_str!(concat!("../../../../templates/email/", $name, "/text.hbs")),
        )),+];
    };
}

notice_templates!(
    "ticket_acknowledged",
    "queue_arrival",
    "hand_off_refused",
    "vendor_question",
    "vendor_answer",
    "agent_comment",
    "information_requested",
    "resolved",
    "reopened",
    "major_declared",
    "major_resolved",
    "queue_digest",
    "service_level_warning",
    "service_level_breach",
    "review_drafted",
    "monthly_figures",
    "breach_to_notify",
    "breach_deadline",
    "breach_dpo_information",
    "rights_request_forwarded",
);

const PARTIALS: &[(&str, &str)] = &[
    (
        "header_html",
        include_str!("../../../../templates/email/partials/header.html.hbs"),
    ),
    (
        "footer_html",
        include_str!("../../../../templates/email/partials/footer.html.hbs"),
    ),
    (
        "summary_html",
        include_str!("../../../../templates/email/partials/summary.html.hbs"),
    ),
    (
        "message_html",
        include_str!("../../../../templates/email/partials/message.html.hbs"),
    ),
    (
        "link_html",
        include_str!("../../../../templates/email/partials/link.html.hbs"),
    ),
    (
        "link_text",
        include_str!("../../../../templates/email/partials/link.text.hbs"),
    ),
    (
        "header_text",
        include_str!("../../../../templates/email/partials/header.text.hbs"),
    ),
    (
        "footer_text",
        include_str!("../../../../templates/email/partials/footer.text.hbs"),
    ),
    (
        "summary_text",
        include_str!("../../../../templates/email/partials/summary.text.hbs"),
    ),
    (
        "message_text",
        include_str!("../../../../templates/email/partials/message.text.hbs"),
    ),
];

/// What a recipient reads about a ticket's status.
fn status_label(status: &str) -> &'static str {
    match status.parse::<TicketStatus>() {
        Ok(TicketStatus::New) => "nouveau",
        Ok(TicketStatus::Assigned) => "pris en charge",
        Ok(TicketStatus::InProgress) => "en cours de traitement",
        Ok(TicketStatus::Pending) => "en attente",
        Ok(TicketStatus::Resolved) => "résolu",
        Ok(TicketStatus::Closed) => "clos",
        Ok(TicketStatus::Cancelled) => "annulé",
        Err(_) => "inconnu",
    }
}

/// The templates, compiled once.
pub struct Renderer {
    html: Handlebars<'static>,
    text: Handlebars<'static>,
}

impl Renderer {
    /// Compiles every template; an error names the template at fault.
    pub fn new() -> Result<Self, String> {
        let mut html = Handlebars::new();
        let mut text = Handlebars::new();
        html.set_strict_mode(true);
        text.set_strict_mode(true);
        text.register_escape_fn(handlebars::no_escape);
        for (name, template) in PARTIALS {
            let registry = if name.ends_with("_html") {
                &mut html
            } else {
                &mut text
            };
            registry
                .register_partial(name, *template)
                .map_err(|e| format!("templates/email/partials {name}: {e}"))?;
        }
        for (name, subject, body_html, body_text) in TEMPLATES {
            text.register_template_string(&format!("{name}/subject"), subject.trim_end())
                .map_err(|e| format!("templates/email/{name}/subject.hbs: {e}"))?;
            html.register_template_string(&format!("{name}/html"), *body_html)
                .map_err(|e| format!("templates/email/{name}/html.hbs: {e}"))?;
            text.register_template_string(&format!("{name}/text"), *body_text)
                .map_err(|e| format!("templates/email/{name}/text.hbs: {e}"))?;
        }
        Ok(Self { html, text })
    }

    /// The message of `notice` to `recipient_name`, from an outbox payload; `public_url`
    /// makes the link to the ticket.
    pub fn render(
        &self,
        notice: Notice,
        payload: &Value,
        recipient_name: &str,
        public_url: &str,
        auto_close_days: i64,
    ) -> Result<Rendered, String> {
        let field = |key: &str| payload.get(key).cloned().unwrap_or(Value::Null);
        let link =
            |reference: &str| format!("{}/tickets/{reference}", public_url.trim_end_matches('/'));
        let reference = payload["reference"].as_str().unwrap_or_default();
        // A notice about a review or figures links to its page in the API.
        let own_link = payload["path"]
            .as_str()
            .map(|path| format!("{}{path}", public_url.trim_end_matches('/')));
        // A digest lists tickets, each with its link.
        let items: Vec<Value> = payload["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|item| {
                        let mut item = item.clone();
                        item["link"] = json!(link(item["reference"].as_str().unwrap_or_default()));
                        item
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut data = json!({
            "recipient_name": recipient_name,
            "link": own_link.unwrap_or_else(|| link(reference)),
            "count": items.len(),
            "items": items,
            "ticket": {
                "reference": reference,
                "title": field("title"),
                "establishment": field("establishment"),
                "establishment_name": field("establishment_name"),
                "status_label": status_label(payload["status"].as_str().unwrap_or_default()),
                "queue_name": field("queue_name"),
            },
            "body": field("body"),
            "actor": field("actor"),
            "auto_close_days": auto_close_days,
            "review": field("review"),
            "figures": field("figures"),
            "breach": field("breach"),
            "request": field("request"),
        });
        let name = notice.as_str();
        let subject = self
            .text
            .render(&format!("{name}/subject"), &data)
            .map_err(|e| format!("{name}/subject: {e}"))?;
        // A subject is one line, whatever a title holds.
        let subject: String = subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        data["subject"] = Value::String(subject.clone());
        let html = self
            .html
            .render(&format!("{name}/html"), &data)
            .map_err(|e| format!("{name}/html: {e}"))?;
        let text = self
            .text
            .render(&format!("{name}/text"), &data)
            .map_err(|e| format!("{name}/text: {e}"))?;
        Ok(Rendered {
            subject,
            html,
            text,
        })
    }
}
