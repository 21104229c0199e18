//! Sign-in throttling: failed attempts are counted per account and per
//! client address in a sliding window; over the limit, attempts are refused
//! with 429 and `Retry-After` before any password is checked. In memory, per
//! process: a restart forgives, which is acceptable for a single-node server.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Throttle {
    window: Duration,
    max_per_account: usize,
    max_per_client: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Throttle {
    pub fn new(window: Duration, max_per_account: u32, max_per_client: u32) -> Throttle {
        Throttle {
            window,
            max_per_account: max_per_account as usize,
            max_per_client: max_per_client as usize,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds to wait if either key is over its limit.
    pub fn check(&self, account: &str, client: &str, now: Instant) -> Option<u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        [(account_key(account), self.max_per_account), (client_key(client), self.max_per_client)]
            .into_iter()
            .filter_map(|(key, max)| {
                let q = map.get_mut(&key)?;
                self.expire(q, now);
                (q.len() >= max).then(|| q.front().map_or(1, |first| (self.window - now.duration_since(*first)).as_secs().max(1)))
            })
            .max()
    }

    pub fn failed(&self, account: &str, client: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in [account_key(account), client_key(client)] {
            let q = map.entry(key).or_default();
            self.expire(q, now);
            q.push_back(now);
        }
        // Keys whose window has passed are dropped now and then, so a flood
        // of made-up usernames cannot grow the map without bound.
        if map.len() > 10_000 {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn succeeded(&self, account: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(&account_key(account));
    }

    fn expire(&self, q: &mut VecDeque<Instant>, now: Instant) {
        while q.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            q.pop_front();
        }
    }
}

fn account_key(account: &str) -> String {
    format!("a:{}", account.trim().to_lowercase())
}

fn client_key(client: &str) -> String {
    format!("c:{client}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_limit_and_window() {
        let t = Throttle::new(Duration::from_secs(60), 3, 100);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(t.check("alice", "1.1.1.1", t0), None);
            t.failed("alice", "1.1.1.1", t0);
        }
        let wait = t.check("Alice", "2.2.2.2", t0).expect("the account is locked from any address");
        assert!((59..=60).contains(&wait), "{wait}");
        assert_eq!(t.check("bob", "2.2.2.2", t0), None);
        assert_eq!(t.check("alice", "1.1.1.1", t0 + Duration::from_secs(61)), None, "the window slides");
    }

    #[test]
    fn client_limit_and_success_reset() {
        let t = Throttle::new(Duration::from_secs(60), 3, 4);
        let t0 = Instant::now();
        for name in ["a", "b", "c", "d"] {
            t.failed(name, "9.9.9.9", t0);
        }
        assert!(t.check("e", "9.9.9.9", t0).is_some(), "one address trying many accounts");
        t.failed("z", "1.1.1.1", t0);
        t.failed("z", "1.1.1.1", t0);
        t.succeeded("z");
        t.failed("z", "1.1.1.1", t0);
        assert_eq!(t.check("z", "1.1.1.1", t0), None);
    }
}
