//! Which snapshots a retention policy keeps. Pure: no I/O, tested by tables.
//!
//! Semantics (like restic's `forget`): `keep_last` keeps the N newest;
//! `keep_within` everything newer than now − D; `keep_daily`/`keep_weekly`
//! the newest snapshot of each of the N newest UTC days / ISO weeks that
//! have one. A snapshot whose `expires_at` has passed is forgotten whatever
//! the policy says. With no keep rule at all, every unexpired snapshot stays.

use std::collections::HashSet;

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    pub keep_last: Option<usize>,
    pub keep_within: Option<i64>,
    pub keep_daily: Option<usize>,
    pub keep_weekly: Option<usize>,
}

impl Policy {
    pub fn is_empty(&self) -> bool {
        *self == Policy::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub time: i64,
    pub nanos: u32,
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Keep,
    /// Its `--expire-after` has passed.
    Expired,
    /// Outside the policy.
    Forget,
    /// Not written or read by this device (cold cache): kept, not judged.
    Unknown,
    /// Does not open with the phrase: kept in place, not judged.
    Unreadable,
    /// Opens, but is not to be trusted (forged, revoked, dated in the
    /// future): kept in place, takes no keep slot.
    Untrusted,
}

impl Verdict {
    pub fn forgets(self) -> bool {
        matches!(self, Verdict::Expired | Verdict::Forget)
    }
}

/// Decides every candidate; the result is in the input's order.
pub fn select(candidates: &[Candidate], policy: &Policy, now: i64) -> Vec<Verdict> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    // Newest first; ties broken by ID so the outcome never depends on listing order.
    let key = |i: usize| (candidates[i].time, candidates[i].nanos, &candidates[i].id);
    order.sort_by(|&a, &b| key(b).cmp(&key(a)));
    let live: Vec<usize> = order
        .into_iter()
        .filter(|&i| candidates[i].expires_at.is_none_or(|e| e > now))
        .collect();

    let mut keep: HashSet<usize> = HashSet::new();
    if policy.is_empty() {
        keep.extend(&live);
    }
    if let Some(n) = policy.keep_last {
        keep.extend(live.iter().take(n));
    }
    if let Some(d) = policy.keep_within {
        keep.extend(live.iter().filter(|&&i| candidates[i].time >= now - d));
    }
    let mut keep_per = |n: Option<usize>, bucket: &dyn Fn(i64) -> i64| {
        let Some(n) = n else { return };
        let mut seen = HashSet::new();
        for &i in &live {
            if seen.len() == n {
                break;
            }
            if seen.insert(bucket(candidates[i].time)) {
                keep.insert(i);
            }
        }
    };
    keep_per(policy.keep_daily, &|t| t.div_euclid(86_400));
    // 1970-01-01 was a Thursday: +3 days puts week boundaries on Mondays (ISO).
    keep_per(policy.keep_weekly, &|t| {
        (t.div_euclid(86_400) + 3).div_euclid(7)
    });

    (0..candidates.len())
        .map(|i| {
            if candidates[i].expires_at.is_some_and(|e| e <= now) {
                Verdict::Expired
            } else if keep.contains(&i) {
                Verdict::Keep
            } else {
                Verdict::Forget
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;
    /// 2026-11-26 12:00 UTC, a Thursday.
    const NOW: i64 = 1_795_694_400;

    /// Snapshots named by age: "d3h2" is 3 days and 2 hours old.
    fn snaps(ages: &[(&str, i64)]) -> Vec<Candidate> {
        ages.iter()
            .map(|(id, age)| Candidate {
                id: id.to_string(),
                time: NOW - age,
                nanos: 0,
                expires_at: None,
            })
            .collect()
    }

    fn kept(c: &[Candidate], p: &Policy) -> Vec<String> {
        let v = select(c, p, NOW);
        c.iter()
            .zip(v)
            .filter(|(_, v)| *v == Verdict::Keep)
            .map(|(c, _)| c.id.clone())
            .collect()
    }

    fn hourly_for_three_weeks() -> Vec<Candidate> {
        (0..21 * 24)
            .map(|h| Candidate {
                id: format!("h{h:03}"),
                time: NOW - h * 3600,
                nanos: 0,
                expires_at: None,
            })
            .collect()
    }

    #[test]
    fn no_policy_keeps_everything_unexpired() {
        let mut c = snaps(&[("a", 10), ("b", 20)]);
        c[1].expires_at = Some(NOW - 1);
        assert_eq!(
            select(&c, &Policy::default(), NOW),
            [Verdict::Keep, Verdict::Expired]
        );
    }

    #[test]
    fn keep_last() {
        let c = snaps(&[("old", 300), ("new", 100), ("mid", 200)]);
        let p = Policy {
            keep_last: Some(2),
            ..Default::default()
        };
        assert_eq!(kept(&c, &p), ["new", "mid"]);
    }

    #[test]
    fn keep_within() {
        let c = snaps(&[("1h", 3600), ("2d", 2 * DAY), ("8d", 8 * DAY)]);
        let p = Policy {
            keep_within: Some(7 * DAY),
            ..Default::default()
        };
        assert_eq!(kept(&c, &p), ["1h", "2d"]);
    }

    #[test]
    fn keep_daily_takes_the_newest_of_each_day() {
        let c = hourly_for_three_weeks();
        let p = Policy {
            keep_daily: Some(3),
            ..Default::default()
        };
        // NOW is 12:00: today's newest is h000, then 23:00 yesterday (h013), then h037.
        assert_eq!(kept(&c, &p), ["h000", "h013", "h037"]);
    }

    #[test]
    fn keep_weekly_uses_iso_weeks() {
        let c = hourly_for_three_weeks();
        let p = Policy {
            keep_weekly: Some(2),
            ..Default::default()
        };
        // This ISO week began Monday 00:00, 3.5 days ago = 84 h: the week before ends at h085.
        assert_eq!(kept(&c, &p), ["h000", "h085"]);
    }

    #[test]
    fn rules_combine_as_a_union() {
        let c = hourly_for_three_weeks();
        let p = Policy {
            keep_last: Some(2),
            keep_daily: Some(2),
            keep_weekly: Some(3),
            ..Default::default()
        };
        assert_eq!(kept(&c, &p), ["h000", "h001", "h013", "h085", "h253"]);
    }

    #[test]
    fn expired_snapshots_go_whatever_the_policy() {
        let mut c = snaps(&[("a", 10), ("b", 20), ("c", 30)]);
        c[0].expires_at = Some(NOW);
        c[2].expires_at = Some(NOW + 10);
        let p = Policy {
            keep_last: Some(5),
            ..Default::default()
        };
        assert_eq!(
            select(&c, &p, NOW),
            [Verdict::Expired, Verdict::Keep, Verdict::Keep]
        );
        // An expired snapshot does not use up a keep-last slot.
        let p = Policy {
            keep_last: Some(1),
            ..Default::default()
        };
        assert_eq!(
            select(&c, &p, NOW),
            [Verdict::Expired, Verdict::Keep, Verdict::Forget]
        );
    }
}
