//! The migrations are embedded in the binary (`embed_migrations!` reads their folders at
//! compile time): a new one must rebuild it, which cargo does not see by itself.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=backend/build.rs");
}
