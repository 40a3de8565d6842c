//! Password hashing with argon2id, 7 MiB, 5 passes, 1 lane: one of the settings the OWASP
//! password storage cheat sheet lists as equally strong (19 MiB and 2 passes, the crate's
//! defaults, is another; each trades memory for passes at the same cost to an attacker).
//! A login costs the same CPU time with either; this one holds 7 MiB instead of 19 while it
//! runs, which is what the server's peak memory is made of during a rush of logins.
//! Verification reads the parameters from the stored hash: hashes made with other settings
//! still verify.

use std::sync::OnceLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, Params};

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;

/// Memory of one hash, in KiB.
const MEMORY_KIB: u32 = 7 * 1024;
/// Passes over that memory.
const PASSES: u32 = 5;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, 1, None)
        .expect("7 MiB, 5 passes and 1 lane are valid argon2 parameters");
    Argon2::from(params)
}

/// A PHC string (`$argon2id$v=19$m=7168,t=5,p=1$…`) with a fresh random salt.
pub fn hash(password: &str) -> String {
    argon2()
        .hash_password(password.as_bytes())
        .expect("argon2 with valid parameters hashes any password")
        .to_string()
}

/// Whether `password` matches the stored PHC string, with the parameters it names. A
/// malformed hash matches nothing.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the time of one verification, so that an unknown account answers as slowly as a
/// known one with a wrong password.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("an unused password for timing"));
    let _ = verify(password, phc);
}

/// Why a new password is refused, in French; `None` when acceptable.
pub fn weakness(password: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!(
            "le mot de passe doit compter au moins {MIN_LENGTH} caractères ({length} donnés)"
        ));
    }
    if length > 256 {
        return Some("le mot de passe ne peut dépasser 256 caractères".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let phc = hash("correct horse battery");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse batterz", &phc));
        assert!(!verify("correct horse battery", "not a hash"));
    }

    #[test]
    fn a_hash_holds_7_mib_for_5_passes() {
        let phc = hash("correct horse battery");
        assert!(phc.contains("$m=7168,t=5,p=1$"), "{phc}");
    }

    #[test]
    fn a_hash_made_with_the_former_settings_still_verifies() {
        // 19 MiB, 2 passes: the argon2 crate's defaults, used before.
        let former = Argon2::default()
            .hash_password(b"correct horse battery")
            .unwrap()
            .to_string();
        assert!(former.contains("$m=19456,t=2,p=1$"), "{former}");
        assert!(verify("correct horse battery", &former));
        assert!(!verify("correct horse batterz", &former));
    }

    #[test]
    fn short_passwords_are_weak() {
        assert!(weakness("short").is_some());
        assert!(weakness("long enough password").is_none());
    }
}
