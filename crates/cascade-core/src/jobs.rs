//! When a scheduled job runs: a schedule in the company's local time, the
//! slots it yields, and which slot is due. Each slot runs at most once (the
//! store records it under [`slot_key`], unique, so two servers cannot both
//! run it); after downtime only the latest missed slot runs, once — a
//! morning's alerts or a Monday's reports are not worth repeating for every
//! day the server was off.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDateTime, NaiveTime, Weekday};

/// How often a job runs, in the company's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    Daily { at: NaiveTime },
    Weekly { on: Weekday, at: NaiveTime },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be \"daily HH:MM\" or \"weekly DAY HH:MM\" (DAY one of mon tue wed thu fri sat sun)")]
pub struct ScheduleError;

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

fn clock(text: &str) -> Result<NaiveTime, ScheduleError> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' || !b.iter().enumerate().all(|(i, c)| i == 2 || c.is_ascii_digit()) {
        return Err(ScheduleError);
    }
    let n = |s: &str| s.parse::<u32>().map_err(|_| ScheduleError);
    NaiveTime::from_hms_opt(n(&text[..2])?, n(&text[3..])?, 0).ok_or(ScheduleError)
}

impl Schedule {
    /// Reads `daily 06:00` or `weekly mon 09:00`.
    pub fn parse(text: &str) -> Result<Schedule, ScheduleError> {
        match text.split_whitespace().collect::<Vec<_>>()[..] {
            ["daily", at] => Ok(Schedule::Daily { at: clock(at)? }),
            ["weekly", day, at] => {
                let on = DAYS.iter().find(|(name, _)| *name == day).map(|(_, d)| *d).ok_or(ScheduleError)?;
                Ok(Schedule::Weekly { on, at: clock(at)? })
            }
            _ => Err(ScheduleError),
        }
    }

    fn period(self) -> Duration {
        match self {
            Schedule::Daily { .. } => Duration::days(1),
            Schedule::Weekly { .. } => Duration::weeks(1),
        }
    }

    /// The latest slot at or before `now`.
    pub fn latest_slot(self, now: NaiveDateTime) -> NaiveDateTime {
        let (days_back, at) = match self {
            Schedule::Daily { at } => (0, at),
            Schedule::Weekly { on, at } => {
                let back = (7 + now.weekday().num_days_from_monday() - on.num_days_from_monday()) % 7;
                (i64::from(back), at)
            }
        };
        let slot = (now.date() - Duration::days(days_back)).and_time(at);
        if slot <= now {
            slot
        } else {
            slot - self.period()
        }
    }

    /// The slot after `slot`.
    pub fn next_after(self, slot: NaiveDateTime) -> NaiveDateTime {
        self.latest_slot(slot) + self.period()
    }

    /// The slot to run at `now`, if any: the latest one, unless the last
    /// run already covered it.
    pub fn due(self, now: NaiveDateTime, last_run: Option<NaiveDateTime>) -> Option<NaiveDateTime> {
        let slot = self.latest_slot(now);
        match last_run {
            Some(done) if done >= slot => None,
            _ => Some(slot),
        }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Daily { at } => write!(f, "daily {}", at.format("%H:%M")),
            Schedule::Weekly { on, at } => {
                let day = DAYS.iter().find(|(_, d)| d == on).map_or("mon", |(name, _)| *name);
                write!(f, "weekly {day} {}", at.format("%H:%M"))
            }
        }
    }
}

/// The unique key of one run of a job: `alerts@2026-12-04T06:00`.
pub fn slot_key(job: &str, slot: NaiveDateTime) -> String {
    format!("{job}@{}", slot.format("%Y-%m-%dT%H:%M"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn schedules_read_and_write_one_way() {
        for text in ["daily 06:00", "weekly mon 09:00", "weekly sun 23:59"] {
            assert_eq!(Schedule::parse(text).unwrap().to_string(), text);
        }
        for bad in
            ["", "daily", "daily 6:00", "daily 24:00", "daily 06:60", "weekly monday 09:00", "hourly 06:00", "daily 06:00 x"]
        {
            assert_eq!(Schedule::parse(bad), Err(ScheduleError), "{bad:?}");
        }
    }

    #[test]
    fn the_monday_report_slot() {
        let monday = Schedule::parse("weekly mon 09:00").unwrap();
        // Friday 2026-12-04: the last slot was Monday 2026-11-30 09:00.
        assert_eq!(monday.latest_slot(at("2026-12-04 18:00")), at("2026-11-30 09:00"));
        assert_eq!(monday.latest_slot(at("2026-12-07 08:59")), at("2026-11-30 09:00"));
        assert_eq!(monday.latest_slot(at("2026-12-07 09:00")), at("2026-12-07 09:00"));
        assert_eq!(monday.next_after(at("2026-11-30 09:00")), at("2026-12-07 09:00"));
    }

    #[test]
    fn after_downtime_the_latest_missed_slot_runs_once() {
        let daily = Schedule::parse("daily 06:00").unwrap();
        // Off from Tuesday to Friday afternoon: Friday 06:00 runs, once.
        let last = Some(at("2026-12-01 06:00"));
        assert_eq!(daily.due(at("2026-12-04 15:00"), last), Some(at("2026-12-04 06:00")));
        assert_eq!(daily.due(at("2026-12-04 15:01"), Some(at("2026-12-04 06:00"))), None);
        assert_eq!(daily.due(at("2026-12-04 05:59"), Some(at("2026-12-03 06:00"))), None);
        // A first start runs the latest slot at once.
        assert_eq!(daily.due(at("2026-12-04 15:00"), None), Some(at("2026-12-04 06:00")));
        assert_eq!(slot_key("alerts", at("2026-12-04 06:00")), "alerts@2026-12-04T06:00");
    }

    fn any_schedule() -> impl Strategy<Value = Schedule> {
        let time = (0u32..24, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap());
        prop_oneof![
            time.clone().prop_map(|at| Schedule::Daily { at }),
            (0usize..7, time).prop_map(|(d, at)| Schedule::Weekly { on: DAYS[d].1, at }),
        ]
    }

    fn any_moment() -> impl Strategy<Value = NaiveDateTime> {
        (0i64..(5 * 365 * 24 * 60)).prop_map(|m| at("2025-01-01 00:00") + Duration::minutes(m))
    }

    proptest! {
        #[test]
        fn now_lies_between_its_slot_and_the_next(s in any_schedule(), now in any_moment()) {
            let slot = s.latest_slot(now);
            prop_assert!(slot <= now && now < s.next_after(slot));
            prop_assert_eq!(s.latest_slot(slot), slot);
            prop_assert_eq!(Schedule::parse(&s.to_string()), Ok(s));
        }

        #[test]
        fn a_slot_is_due_once(s in any_schedule(), now in any_moment(), later in 0i64..(3 * 24 * 60)) {
            let first = s.due(now, None);
            prop_assert!(first.is_some());
            let then = now + Duration::minutes(later);
            let again = s.due(then, first);
            prop_assert!(again != first, "the same slot twice");
            if let Some(next) = again {
                prop_assert!(next > first.unwrap_or(next) && next <= then);
            }
        }
    }
}
