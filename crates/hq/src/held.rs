//! The batch numbers held from one device, and the gaps between them: a missing number is
//! a batch still on its way (or lost), which headquarters staff should chase.

use serde::Serialize;

/// Batch numbers held from one device (ascending) and the ones missing below the highest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchNumbers {
    pub held: Vec<u64>,
    pub missing: Vec<u64>,
}

impl BatchNumbers {
    /// From the numbers held, in any order.
    pub fn new(mut held: Vec<u64>) -> Self {
        held.sort_unstable();
        held.dedup();
        let mut missing = Vec::new();
        let mut next = 1;
        for &n in &held {
            missing.extend(next..n);
            next = n + 1;
        }
        BatchNumbers { held, missing }
    }

    /// The highest N such that 1..=N are all held (0 when batch 1 is not): the
    /// `Loket-High-Water` header of the network answers.
    pub fn high_water(&self) -> u64 {
        self.held
            .iter()
            .zip(1..)
            .take_while(|(held, n)| **held == *n)
            .count() as u64
    }

    /// "held 1–3, 5; missing 4", or "held 1–3", or "none held".
    pub fn describe(&self) -> String {
        if self.held.is_empty() {
            return "none held".into();
        }
        let mut out = format!("held {}", ranges(&self.held));
        if !self.missing.is_empty() {
            out.push_str(&format!("; missing {}", ranges(&self.missing)));
        }
        out
    }
}

/// "1–3, 5, 7–8" for ascending numbers.
pub fn ranges(numbers: &[u64]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let start = numbers[i];
        let mut end = start;
        while i + 1 < numbers.len() && numbers[i + 1] == end + 1 {
            i += 1;
            end = numbers[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}–{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_the_numbers_missing_below_the_highest() {
        let b = BatchNumbers::new(vec![5, 1, 2, 3]);
        assert_eq!(b.held, vec![1, 2, 3, 5]);
        assert_eq!(b.missing, vec![4]);
        assert_eq!(b.describe(), "held 1–3, 5; missing 4");
        assert_eq!(
            BatchNumbers::new(vec![2, 3]).describe(),
            "held 2–3; missing 1"
        );
        assert_eq!(BatchNumbers::new(vec![1]).describe(), "held 1");
        assert_eq!(BatchNumbers::new(vec![]).describe(), "none held");
        assert_eq!(b.high_water(), 3);
        assert_eq!(BatchNumbers::new(vec![2, 3]).high_water(), 0);
        assert_eq!(BatchNumbers::new(vec![]).high_water(), 0);
        assert_eq!(BatchNumbers::new(vec![1, 2]).high_water(), 2);
        assert_eq!(
            BatchNumbers::new(vec![1, 4, 7, 8]).describe(),
            "held 1, 4, 7–8; missing 2–3, 5–6"
        );
    }
}
