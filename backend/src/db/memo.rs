//! Reference rows (organisations, queues, schools, territories, categories, policies,
//! holidays) read once per unit of work. Opening one ticket asked for the same queue,
//! organisation or school up to eleven times, each a statement (and on PostgreSQL a round
//! trip); inside one unit of work these rows cannot change but by its own writes, which
//! empty the memo.
//!
//! The memo lives in a thread-local for the span of a [`Scope`]: a unit of work runs on one
//! blocking thread from start to end, and the repositories reach the rows through a bare
//! connection deep in the services. Outside a scope (the generator, the benchmark's fill, a
//! test's direct reads) nothing is kept.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;

use diesel::QueryResult;

type Key = (&'static str, String);

thread_local! {
    static MEMO: RefCell<Option<HashMap<Key, Box<dyn Any>>>> = const { RefCell::new(None) };
}

/// While it lives, the thread's reference reads are remembered.
pub struct Scope(());

impl Scope {
    pub fn start() -> Scope {
        MEMO.with(|memo| *memo.borrow_mut() = Some(HashMap::new()));
        Scope(())
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        MEMO.with(|memo| *memo.borrow_mut() = None);
    }
}

/// The row `lookup` names by `key`, read by `load` only the first time in the scope.
pub fn cached<T: Clone + 'static>(
    lookup: &'static str,
    key: impl ToString,
    load: impl FnOnce() -> QueryResult<T>,
) -> QueryResult<T> {
    let key = (lookup, key.to_string());
    let hit = MEMO.with(|memo| {
        memo.borrow()
            .as_ref()
            .and_then(|m| m.get(&key))
            .and_then(|value| value.downcast_ref::<T>())
            .cloned()
    });
    if let Some(value) = hit {
        return Ok(value);
    }
    let value = load()?;
    remember(key.0, key.1, value.clone());
    Ok(value)
}

/// Remembers `value` as what `lookup` reads for `key` (rows read many at once).
pub fn remember<T: Clone + 'static>(lookup: &'static str, key: impl ToString, value: T) {
    MEMO.with(|memo| {
        if let Some(m) = memo.borrow_mut().as_mut() {
            m.insert((lookup, key.to_string()), Box::new(value));
        }
    });
}

/// A reference row was written (or a transaction rolled back): nothing remembered holds.
pub fn forget() {
    MEMO.with(|memo| {
        if let Some(m) = memo.borrow_mut().as_mut() {
            m.clear();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_read_once_in_a_scope_again_after_a_write_and_never_kept_outside() {
        let mut loads = 0;
        let mut read = |value: i32| {
            cached("test", 1, || {
                loads += 1;
                Ok(value)
            })
            .unwrap()
        };
        // Outside a scope: every read loads.
        assert_eq!(read(10), 10);
        assert_eq!(read(11), 11);
        {
            let _scope = Scope::start();
            assert_eq!(read(20), 20);
            assert_eq!(read(21), 20, "remembered");
            forget();
            assert_eq!(read(22), 22, "read again after a write");
        }
        assert_eq!(read(30), 30, "the scope's rows are gone with it");
        assert_eq!(loads, 5);
    }

    #[test]
    fn rows_read_many_at_once_are_remembered_one_by_one() {
        let _scope = Scope::start();
        remember("a", 1, Some("a1"));
        remember("a", 2, None::<&str>);
        assert_eq!(cached("a", 1, || Ok(Some("loaded"))).unwrap(), Some("a1"));
        assert_eq!(cached("a", 2, || Ok(Some("loaded"))).unwrap(), None);
    }

    #[test]
    fn lookups_and_keys_are_kept_apart() {
        let _scope = Scope::start();
        assert_eq!(cached("a", 1, || Ok("a1")).unwrap(), "a1");
        assert_eq!(cached("b", 1, || Ok("b1")).unwrap(), "b1");
        assert_eq!(cached("a", 2, || Ok("a2")).unwrap(), "a2");
        assert_eq!(cached("a", 1, || Ok("other")).unwrap(), "a1");
    }
}
