//! The planning engine's timings: one three-factor split over a million
//! siblings, and a whole company's plan down the tree at the demo company's
//! shape (1 HQ, 7 regions, 31 provinces, 420 reps) and at 100 times its
//! sales force. `cargo bench -p cascade-core --bench split`.

use std::time::Duration;

use cascade_core::allocation::{split, ChildInput, SplitRule};
use cascade_core::cascade::{split_tree, Node};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use rust_decimal::Decimal;

/// The demo company's provinces (`cascade-demo`'s geography): region and
/// market potential in 万元.
const PROVINCES: [(usize, u64); 31] = [
    (0, 5850),
    (0, 1820),
    (0, 2860),
    (0, 1430),
    (0, 1040),
    (1, 5060),
    (1, 5980),
    (1, 4830),
    (1, 4830),
    (1, 2300),
    (2, 6400),
    (2, 4320),
    (2, 3520),
    (2, 1760),
    (3, 3000),
    (3, 2600),
    (3, 3000),
    (3, 1400),
    (4, 3570),
    (4, 1870),
    (4, 1530),
    (4, 1190),
    (4, 340),
    (5, 2025),
    (5, 810),
    (5, 900),
    (5, 405),
    (5, 360),
    (6, 2250),
    (6, 1250),
    (6, 1500),
];

/// A total of ¥1,000,000,000,000 in fen.
const TOTAL: i64 = 100_000_000_000_000;

/// `n` siblings with spread-out scores, ids in order.
fn siblings(n: i64) -> Vec<ChildInput> {
    (0..n)
        .map(|i| ChildInput {
            id: i,
            history: [(i * 7919) % 5_000_000, (i * 104_729) % 4_000_000, (i * 1_299_709) % 3_000_000],
            pipeline: (i * 15_485_863) % 2_000_000,
            staffing: Decimal::new(8 + (i % 5), 1),
            priority: Decimal::from(1 + i % 3),
        })
        .collect()
}

/// Reps per province as the demo seeds them: 4 each plus 296 by market
/// potential (largest remainder), times `scale`.
fn reps_per_province(scale: u64) -> Vec<u64> {
    let potential: u64 = PROVINCES.iter().map(|p| p.1).sum();
    let extra = 296;
    let mut counts: Vec<u64> = PROVINCES.iter().map(|p| extra * p.1 / potential).collect();
    let mut order: Vec<usize> = (0..PROVINCES.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(extra * PROVINCES[i].1 % potential), i));
    let left = extra - counts.iter().sum::<u64>();
    for &i in &order[..left as usize] {
        counts[i] += 1;
    }
    counts.iter().map(|c| (4 + c) * scale).collect()
}

/// HQ → 7 regions → 31 provinces → reps, whose history follows their
/// province's potential; capability weights 1.2, 1.0, 0.8 and 0.5.
fn company(scale: u64) -> Node {
    let counts = reps_per_province(scale);
    let mut next_rep = 1_000;
    let regions = (0..7)
        .map(|r| {
            let provinces = PROVINCES
                .iter()
                .enumerate()
                .filter(|(_, p)| p.0 == r)
                .map(|(i, &(_, potential))| {
                    let per_rep = (potential * 1_000_000 / counts[i]) as i64;
                    let reps = (0..counts[i] as i64)
                        .map(|j| {
                            next_rep += 1;
                            let k = next_rep;
                            Node::Leaf(ChildInput {
                                id: k,
                                history: [
                                    per_rep * (80 + k % 40) / 100,
                                    per_rep * (70 + k % 50) / 100,
                                    per_rep * (60 + j % 30) / 100,
                                ],
                                pipeline: per_rep * (k % 7) / 10,
                                staffing: Decimal::new([12, 10, 8, 5][(k % 4) as usize], 1),
                                priority: Decimal::ONE,
                            })
                        })
                        .collect();
                    Node::inner(100 + i as i64, reps)
                })
                .collect();
            Node::inner(10 + r as i64, provinces)
        })
        .collect();
    Node::inner(1, regions)
}

fn bench(c: &mut Criterion) {
    let rule = SplitRule::default();
    let mut g = c.benchmark_group("split");
    // About a quarter of a second a run: ten runs, one at a time, and the
    // 150 MB result dropped outside the timing.
    g.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_secs(1));
    let kids = siblings(1_000_000);
    g.bench_function("1M siblings", |b| b.iter_with_large_drop(|| split(TOTAL, &rule, &kids).expect("split")));
    g.finish();

    let mut g = c.benchmark_group("plan");
    g.sample_size(20)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, scale) in [("demo (420 reps)", 1), ("scale 100 (42,000 reps)", 100)] {
        let tree = company(scale);
        g.bench_function(name, |b| b.iter_with_large_drop(|| split_tree(TOTAL, &rule, &tree).expect("plan")));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
