//! When to try again after a failed round: exponential backoff with full jitter, so that a
//! mission's counters coming back online at once do not all knock at headquarters together.

use std::time::Duration;

use rand::{Rng, SeedableRng};

/// The delay before retry `n` (from 0) is drawn uniformly from `[min, min(max, min·2ⁿ)]`:
/// never sooner than `min`, never later than `max`. Reset after a round succeeds.
#[derive(Debug)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    failures: u32,
    rng: rand::rngs::StdRng,
}

impl Backoff {
    /// 2 s doubling up to 5 min, as the worker uses by default.
    pub const DEFAULT_MIN: Duration = Duration::from_secs(2);
    pub const DEFAULT_MAX: Duration = Duration::from_secs(300);

    pub fn new(min: Duration, max: Duration) -> Self {
        Self::seeded(min, max, rand::random())
    }

    /// With a fixed seed: the same delays every time (tests).
    pub fn seeded(min: Duration, max: Duration, seed: u64) -> Self {
        Backoff {
            min,
            max: max.max(min),
            failures: 0,
            rng: rand::rngs::StdRng::seed_from_u64(seed),
        }
    }

    /// The largest delay the next failure can draw.
    pub fn ceiling(&self) -> Duration {
        let factor = 1u32.checked_shl(self.failures.min(31)).unwrap_or(u32::MAX);
        self.min.saturating_mul(factor).min(self.max)
    }

    /// Records a failure; returns how long to wait before the next try.
    pub fn failed(&mut self) -> Duration {
        let ceiling = self.ceiling();
        self.failures = self.failures.saturating_add(1);
        if ceiling <= self.min {
            return self.min;
        }
        self.rng.gen_range(self.min..=ceiling)
    }

    /// Records a success: the next failure starts from `min` again.
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// Failures since the last success.
    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Backoff::DEFAULT_MIN;
    const MAX: Duration = Backoff::DEFAULT_MAX;

    #[test]
    fn delays_stay_between_the_floor_and_a_doubling_ceiling_capped_at_the_maximum() {
        let mut b = Backoff::seeded(MIN, MAX, 1);
        let ceilings: Vec<u64> = (0..12)
            .map(|_| {
                let c = b.ceiling();
                let d = b.failed();
                assert!(d >= MIN && d <= c, "{d:?} outside [{MIN:?}, {c:?}]");
                c.as_secs()
            })
            .collect();
        assert_eq!(
            ceilings,
            [2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300]
        );
        // Far past the cap: no overflow, still capped.
        for _ in 0..100 {
            assert!(b.failed() <= MAX);
        }
    }

    #[test]
    fn jitter_spreads_delays_over_the_whole_range() {
        // After 8 failures the range is [2 s, 300 s]: many draws cover both ends of it.
        let draws: Vec<Duration> = (0..2000)
            .map(|seed| {
                let mut b = Backoff::seeded(MIN, MAX, seed);
                for _ in 0..8 {
                    b.failed();
                }
                b.failed()
            })
            .collect();
        let lo = draws.iter().min().unwrap();
        let hi = draws.iter().max().unwrap();
        assert!(*lo >= MIN && *lo < Duration::from_secs(10), "{lo:?}");
        assert!(*hi <= MAX && *hi > Duration::from_secs(290), "{hi:?}");
        let distinct: std::collections::BTreeSet<_> = draws.iter().collect();
        assert!(distinct.len() > 1000, "{} distinct delays", distinct.len());
    }

    #[test]
    fn a_success_starts_again_from_the_floor() {
        let mut b = Backoff::seeded(MIN, MAX, 7);
        for _ in 0..6 {
            b.failed();
        }
        assert_eq!(b.failures(), 6);
        b.reset();
        assert_eq!(b.failures(), 0);
        assert_eq!(b.failed(), MIN);
    }

    #[test]
    fn the_same_seed_gives_the_same_delays() {
        let run = |seed| {
            let mut b = Backoff::seeded(MIN, MAX, seed);
            (0..10).map(|_| b.failed()).collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
    }
}
