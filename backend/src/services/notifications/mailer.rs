//! Sending one rendered message: over SMTP (lettre, rustls), as an `.eml` file when no SMTP
//! server is configured, or into memory for the tests. Every message has a `Message-ID` made
//! from its outbox row and refers to its ticket's thread, so that a mail client shows one
//! ticket's messages together.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{FileTransport, Message, SmtpTransport, Transport as _};

use super::render::{Rendered, Renderer};
use crate::settings::{MailSettings, SmtpTls};

/// What an attempt to send gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Worth trying again later: a 4xx answer, a refused connection, a timeout, a full disk.
    Transient(String),
    /// Never worth trying again as it is: a 5xx answer, an address that cannot be.
    Permanent(String),
}

/// A message the in-memory transport accepted.
#[derive(Debug, Clone)]
pub struct SentMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The whole message as it would go on the wire.
    pub raw: String,
}

/// The tests' mail server: what was sent, and the failures to answer next.
#[derive(Debug, Default)]
pub struct Inbox {
    pub messages: Vec<SentMail>,
    /// Answers to give before accepting again, first first.
    pub failures: VecDeque<Outcome>,
}

enum Transport {
    Smtp(Box<SmtpTransport>),
    /// The directory of the `.eml` files (made at the first message).
    Files(std::path::PathBuf),
    Memory(Arc<Mutex<Inbox>>),
}

/// Where the `.eml` copies go when no SMTP server is configured (erasure rewrites them too).
pub fn mail_copies_dir(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("outbox")
}

/// Renders and sends notifications.
pub struct Mailer {
    transport: Transport,
    renderer: Renderer,
    from: Mailbox,
    /// The right-hand side of the Message-IDs: the public URL's host.
    domain: String,
    describe: String,
}

/// One message to send.
pub struct Letter<'a> {
    pub outbox_id: i64,
    pub to_address: &'a str,
    pub to_name: &'a str,
    pub reference: &'a str,
    pub rendered: Rendered,
}

impl Mailer {
    /// The transport the settings name: SMTP when a host is set, else files under
    /// `data_dir/outbox`.
    pub fn from_settings(mail: &MailSettings, data_dir: &std::path::Path) -> Result<Self, String> {
        let (transport, describe) = match &mail.smtp {
            Some(smtp) => {
                let tls = || TlsParameters::new(smtp.host.clone()).map_err(|e| e.to_string());
                let mut builder = SmtpTransport::builder_dangerous(&smtp.host)
                    .port(smtp.port)
                    .timeout(Some(std::time::Duration::from_secs(20)));
                builder = match smtp.tls {
                    SmtpTls::None => builder.tls(Tls::None),
                    SmtpTls::StartTls => builder.tls(Tls::Required(tls()?)),
                    SmtpTls::Tls => builder.tls(Tls::Wrapper(tls()?)),
                };
                if let Some((user, password)) = &smtp.credentials {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                (
                    Transport::Smtp(Box::new(builder.build())),
                    format!("SMTP {}:{} ({:?})", smtp.host, smtp.port, smtp.tls),
                )
            }
            None => {
                let dir = mail_copies_dir(data_dir);
                let describe = format!("fichiers .eml dans {}", dir.display());
                (Transport::Files(dir), describe)
            }
        };
        Self::with_transport(mail, transport, describe)
    }

    /// A mailer that keeps what it sends in `inbox` (tests).
    pub fn in_memory(mail: &MailSettings, inbox: Arc<Mutex<Inbox>>) -> Result<Self, String> {
        Self::with_transport(mail, Transport::Memory(inbox), "mémoire (tests)".into())
    }

    fn with_transport(
        mail: &MailSettings,
        transport: Transport,
        describe: String,
    ) -> Result<Self, String> {
        let from = mail
            .from
            .parse()
            .map_err(|e| format!("GUICHET_MAIL_FROM: {e}"))?;
        let domain = url::Url::parse(&mail.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "guichet.invalid".to_owned());
        Ok(Self {
            transport,
            renderer: Renderer::new()?,
            from,
            domain,
            describe,
        })
    }

    /// Where messages go, for the start-up log.
    pub fn describe(&self) -> &str {
        &self.describe
    }

    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// The message as it goes out: both parts, its own id, its ticket's thread.
    pub fn message(&self, letter: &Letter) -> Result<Message, String> {
        let to = Mailbox::new(
            Some(letter.to_name.to_owned()).filter(|n| !n.is_empty()),
            letter
                .to_address
                .parse()
                .map_err(|e| format!("adresse {} : {e}", letter.to_address))?,
        );
        let mut builder = Message::builder()
            .message_id(Some(format!(
                "<outbox-{}.{}@{}>",
                letter.outbox_id, letter.reference, self.domain
            )))
            .from(self.from.clone())
            .to(to)
            .subject(letter.rendered.subject.clone());
        // A ticket's messages thread together (a digest belongs to no ticket).
        if !letter.reference.is_empty() {
            let thread = format!("<{}@{}>", letter.reference, self.domain);
            builder = builder.in_reply_to(thread.clone()).references(thread);
        }
        builder
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(letter.rendered.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(letter.rendered.html.clone()),
                    ),
            )
            .map_err(|e| e.to_string())
    }

    /// Sends one letter (blocking: call it off the async workers).
    pub fn send(&self, letter: &Letter) -> Outcome {
        let message = match self.message(letter) {
            Ok(message) => message,
            Err(e) => return Outcome::Permanent(e),
        };
        match &self.transport {
            Transport::Smtp(smtp) => match smtp.send(&message) {
                Ok(_) => Outcome::Sent,
                Err(e) if e.is_permanent() => Outcome::Permanent(e.to_string()),
                Err(e) => Outcome::Transient(e.to_string()),
            },
            Transport::Files(dir) => {
                if let Err(e) = std::fs::create_dir_all(dir) {
                    return Outcome::Transient(format!("{}: {e}", dir.display()));
                }
                match FileTransport::new(dir).send(&message) {
                    Ok(_) => Outcome::Sent,
                    Err(e) => Outcome::Transient(e.to_string()),
                }
            }
            Transport::Memory(inbox) => {
                let mut inbox = inbox.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(failure) = inbox.failures.pop_front() {
                    return failure;
                }
                inbox.messages.push(SentMail {
                    to: letter.to_address.to_owned(),
                    subject: letter.rendered.subject.clone(),
                    text: letter.rendered.text.clone(),
                    html: letter.rendered.html.clone(),
                    raw: String::from_utf8_lossy(&message.formatted()).into_owned(),
                });
                Outcome::Sent
            }
        }
    }
}
