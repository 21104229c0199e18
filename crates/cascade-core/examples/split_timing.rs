//! Rough timing of the three-factor split over many siblings, before a
//! criterion benchmark exists: `cargo run --release -p cascade-core --example split_timing [N]`.

use std::time::Instant;

use cascade_core::allocation::{split, ChildInput, SplitRule};
use rust_decimal::Decimal;

fn main() {
    let n: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let kids: Vec<ChildInput> = (0..n)
        .map(|i| ChildInput {
            id: i,
            history: [(i * 7919) % 5_000_000, (i * 104_729) % 4_000_000, (i * 1_299_709) % 3_000_000],
            pipeline: (i * 15_485_863) % 2_000_000,
            staffing: Decimal::new(8 + (i % 5), 1),
            priority: Decimal::from(1 + i % 3),
        })
        .collect();
    let total = 100_000_000_000_000; // 1,000,000,000,000 yuan in fen
    let t = Instant::now();
    let s = split(total, &SplitRule::default(), &kids).expect("split");
    let took = t.elapsed();
    assert_eq!(s.lines.iter().map(|l| l.suggested).sum::<i64>(), total);
    println!("{n} siblings: {:.1} ms", took.as_secs_f64() * 1000.0);
}
