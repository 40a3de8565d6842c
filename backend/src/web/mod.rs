//! The web desk: pages in French rendered on the server from `templates/web`, built from the
//! State's design system (DSFR, served from the binary), calling the same services as the
//! API. Every page and form works without JavaScript; DSFR's script only enhances.

pub mod admin;
pub mod assets;
pub mod attachments;
pub mod chain;
pub mod figures;
pub mod forms;
pub mod home;
pub mod opening;
pub mod render;
pub mod reviews;
pub mod session;
pub mod sign_in;
pub mod sso;
pub mod technical_fields;
pub mod ticket;
pub mod tickets;

use actix_web::web::ServiceConfig;

/// Mounts the desk's pages and files.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(assets::asset)
        .service(home::home)
        .service(sign_in::show)
        .service(sign_in::submit)
        .service(sign_in::sign_out)
        .service(sso::start)
        .service(sso::callback)
        .service(tickets::list)
        // Before `/tickets/{reference}`, which would take « nouveau » for a reference.
        .service(opening::choose)
        .service(opening::form)
        .service(opening::submit)
        .service(ticket::show)
        .service(ticket::act)
        .service(ticket::comment)
        .service(chain::qualify)
        .service(chain::route)
        .service(chain::refuse)
        .service(chain::escalate)
        .service(chain::vendor_answer)
        .service(chain::provide_information)
        .service(chain::declare_major)
        .service(chain::link_child)
        .service(attachments::upload)
        .service(attachments::download)
        .service(figures::show)
        .service(figures::download)
        .service(reviews::list)
        .service(reviews::show)
        .service(admin::users::list)
        .service(admin::users::create)
        .service(admin::users::show)
        .service(admin::users::grant)
        .service(admin::users::revoke)
        .service(admin::users::set_active)
        .service(admin::users::set_password)
        .service(admin::rules::list)
        .service(admin::rules::create)
        .service(admin::rules::delete)
        .service(admin::service_accounts::list)
        .service(admin::service_accounts::create)
        .service(admin::service_accounts::revoke);
}
