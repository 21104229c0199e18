//! A whole plan in one go: a total split down a tree (HQ → regions →
//! provinces → reps) by the three-factor model at every level (domain spec
//! §2), so that every parent's children sum to exactly the parent.
//!
//! Leaves bring their own scores. An inner node's market and staffing
//! scores are its leaves' summed: history year by year (each year's
//! negative values taken as zero first, so the node's history score is the
//! sum of its leaves'), pipeline likewise, staffing as it is. An inner
//! node's priority is HQ's points for it, 1 unless given.

use rust_decimal::Decimal;

use crate::allocation::{check_rule, split, ChildInput, Split, SplitError, SplitRule};

/// A node of the plan's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A rep, or any unit planned from its own scores.
    Leaf(ChildInput),
    /// A unit whose scores are its leaves' summed.
    Inner { id: i64, priority: Decimal, children: Vec<Node> },
}

impl Node {
    /// An inner node with the default priority of 1.
    pub fn inner(id: i64, children: Vec<Node>) -> Node {
        Node::Inner { id, priority: Decimal::ONE, children }
    }

    pub fn id(&self) -> i64 {
        match self {
            Node::Leaf(c) => c.id,
            Node::Inner { id, .. } => *id,
        }
    }
}

/// One node's suggested target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedNode {
    pub id: i64,
    /// `None` for the root.
    pub parent: Option<i64>,
    /// In fen, a multiple of the unit; the root's is the total.
    pub suggested: i64,
    /// How an inner node's target was split over its children, with every
    /// child's explanation; `None` for a leaf.
    pub split: Option<Split>,
}

/// Why a tree cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    #[error("node {0} appears more than once in the tree")]
    DuplicateNode(i64),
    #[error("the scores summed under node {0} overflow")]
    Overflow(i64),
    #[error("splitting node {parent}: {source}")]
    Split {
        parent: i64,
        #[source]
        source: SplitError,
    },
}

/// A node in preorder, with its scores as its parent's split sees them.
struct Flat {
    parent: Option<usize>,
    inner: bool,
    children: Vec<usize>,
    input: ChildInput,
}

/// The tree in preorder, without recursion (a tree may be deep). Refuses
/// negative staffing or priority below the root up front, as the parent's
/// split would, before sums over them reach the levels above.
fn flatten(root: &Node) -> Result<Vec<Flat>, TreeError> {
    let mut out: Vec<Flat> = Vec::new();
    let mut stack: Vec<(&Node, Option<usize>)> = vec![(root, None)];
    while let Some((node, parent)) = stack.pop() {
        let i = out.len();
        let (input, children) = match node {
            Node::Leaf(c) => (c.clone(), &[][..]),
            Node::Inner { id, priority, children } => {
                let input = ChildInput { id: *id, history: [0; 3], pipeline: 0, staffing: Decimal::ZERO, priority: *priority };
                (input, &children[..])
            }
        };
        if let Some(p) = parent {
            if input.staffing.is_sign_negative() || input.priority.is_sign_negative() {
                return Err(TreeError::Split { parent: out[p].input.id, source: SplitError::NegativeScore(input.id) });
            }
            out[p].children.push(i);
        }
        out.push(Flat { parent, inner: matches!(node, Node::Inner { .. }), children: Vec::new(), input });
        stack.extend(children.iter().rev().map(|c| (c, Some(i))));
    }
    Ok(out)
}

/// Splits `total` fen from `root` down to every leaf by `rule`: each inner
/// node's target over its children with `allocation::split`, from the root
/// down. Returns every node in preorder (root first, then each child's
/// subtree in the given order).
pub fn split_tree(total: i64, rule: &SplitRule, root: &Node) -> Result<Vec<PlannedNode>, TreeError> {
    check_rule(total, rule).map_err(|source| TreeError::Split { parent: root.id(), source })?;
    let mut nodes = flatten(root)?;
    let mut ids: Vec<i64> = nodes.iter().map(|n| n.input.id).collect();
    ids.sort_unstable();
    if let Some(d) = ids.windows(2).find(|p| p[0] == p[1]) {
        return Err(TreeError::DuplicateNode(d[0]));
    }
    // Children come after their parent in preorder: backwards, every inner
    // node's children are summed before it is.
    for i in (0..nodes.len()).rev() {
        if !nodes[i].inner {
            continue;
        }
        let id = nodes[i].input.id;
        let (mut history, mut pipeline, mut staffing) = ([0i64; 3], 0i64, Decimal::ZERO);
        for &c in &nodes[i].children {
            let kid = &nodes[c].input;
            for (sum, year) in history.iter_mut().zip(kid.history) {
                *sum = sum.checked_add(year.max(0)).ok_or(TreeError::Overflow(id))?;
            }
            pipeline = pipeline.checked_add(kid.pipeline.max(0)).ok_or(TreeError::Overflow(id))?;
            staffing = staffing.checked_add(kid.staffing).ok_or(TreeError::Overflow(id))?;
        }
        let input = &mut nodes[i].input;
        (input.history, input.pipeline, input.staffing) = (history, pipeline, staffing);
    }

    let mut suggested = vec![0i64; nodes.len()];
    suggested[0] = total;
    let mut splits: Vec<Option<Split>> = vec![None; nodes.len()];
    for i in 0..nodes.len() {
        if !nodes[i].inner {
            continue;
        }
        let kids: Vec<ChildInput> = nodes[i].children.iter().map(|&c| nodes[c].input.clone()).collect();
        let s = split(suggested[i], rule, &kids).map_err(|source| TreeError::Split { parent: nodes[i].input.id, source })?;
        for (&c, line) in nodes[i].children.iter().zip(&s.lines) {
            suggested[c] = line.suggested;
        }
        splits[i] = Some(s);
    }
    let parents: Vec<Option<i64>> = nodes.iter().map(|n| n.parent.map(|p| nodes[p].input.id)).collect();
    Ok(nodes
        .into_iter()
        .zip(parents)
        .zip(suggested.into_iter().zip(splits))
        .map(|((n, parent), (suggested, split))| PlannedNode { id: n.input.id, parent, suggested, split })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::allocation::Weights;

    fn rep(id: i64, history: [i64; 3], pipeline: i64, staffing_tenths: i64) -> Node {
        Node::Leaf(ChildInput { id, history, pipeline, staffing: Decimal::new(staffing_tenths, 1), priority: Decimal::ONE })
    }

    /// Every inner node's children sum to it, every non-root target is a
    /// multiple of the unit, and the leaves sum to the total.
    fn check_sums(plan: &[PlannedNode], total: i64, unit: i64) -> Result<(), String> {
        let mut children: BTreeMap<i64, i64> = BTreeMap::new();
        for n in plan {
            if let Some(p) = n.parent {
                *children.entry(p).or_default() += n.suggested;
                if n.suggested % unit != 0 || n.suggested < 0 {
                    return Err(format!("node {} got {}", n.id, n.suggested));
                }
            }
        }
        for n in plan.iter().filter(|n| n.split.is_some()) {
            if children.get(&n.id) != Some(&n.suggested) {
                return Err(format!("node {}: {} but its children sum to {:?}", n.id, n.suggested, children.get(&n.id)));
            }
        }
        let leaves: i64 = plan.iter().filter(|n| n.split.is_none()).map(|n| n.suggested).sum();
        if plan[0].suggested != total || leaves != total {
            return Err(format!("root {} and leaves {leaves} for a total of {total}", plan[0].suggested));
        }
        Ok(())
    }

    /// HQ 1; regions 10 and 20; provinces 11, 12 and 21; reps 100 up.
    fn company() -> Node {
        Node::inner(
            1,
            vec![
                Node::inner(
                    10,
                    vec![
                        Node::inner(
                            11,
                            vec![rep(101, [9_000, 8_000, 7_000], 2_000, 12), rep(102, [3_000, 3_000, 2_000], 500, 10)],
                        ),
                        Node::inner(
                            12,
                            vec![rep(103, [4_000, -200, 1_000], 0, 8), rep(104, [0; 3], 1_500, 5), rep(105, [1_000; 3], 0, 10)],
                        ),
                    ],
                ),
                Node::inner(20, vec![Node::inner(21, vec![rep(106, [7_000, 6_000, 6_500], 3_000, 12)])]),
            ],
        )
    }

    #[test]
    fn a_company_splits_down_to_its_reps_with_one_rule() {
        let rule = SplitRule::default();
        let total = 5_000_000_000;
        let plan = split_tree(total, &rule, &company()).unwrap();
        assert_eq!(plan.iter().map(|n| n.id).collect::<Vec<_>>(), [1, 10, 11, 101, 102, 12, 103, 104, 105, 20, 21, 106]);
        assert_eq!(plan.iter().map(|n| n.parent).collect::<Vec<_>>()[..4], [None, Some(1), Some(10), Some(11)]);
        check_sums(&plan, total, rule.unit).unwrap();
        // Region 10 splits its target over its provinces' summed scores,
        // each year's negatives taken as zero.
        let provinces = [
            ChildInput {
                id: 11,
                history: [12_000, 11_000, 9_000],
                pipeline: 2_500,
                staffing: Decimal::new(22, 1),
                priority: Decimal::ONE,
            },
            ChildInput {
                id: 12,
                history: [5_000, 1_000, 2_000],
                pipeline: 1_500,
                staffing: Decimal::new(23, 1),
                priority: Decimal::ONE,
            },
        ];
        assert_eq!(plan[1].split, Some(split(plan[1].suggested, &rule, &provinces).unwrap()));
        // A province with a single rep hands it everything.
        assert_eq!(plan[10].suggested, plan[11].suggested);
    }

    #[test]
    fn an_inner_nodes_priority_defaults_to_one_and_can_be_given() {
        let rule = SplitRule {
            weights: Weights { market: Decimal::ZERO, staffing: Decimal::ZERO, priority: Decimal::ONE_HUNDRED },
            ..SplitRule::default()
        };
        let region = |id: i64, priority: Decimal| Node::Inner { id, priority, children: vec![rep(id + 1, [1_000; 3], 0, 10)] };
        let tree = Node::inner(1, vec![region(10, Decimal::ONE), Node::inner(20, vec![rep(21, [1_000; 3], 0, 10)])]);
        let plan = split_tree(1_000_000, &rule, &tree).unwrap();
        assert_eq!((plan[1].suggested, plan[3].suggested), (500_000, 500_000));
        let tree = Node::inner(1, vec![region(10, Decimal::from(3)), region(20, Decimal::ONE)]);
        let plan = split_tree(1_000_000, &rule, &tree).unwrap();
        assert_eq!((plan[1].suggested, plan[3].suggested), (750_000, 250_000));
        check_sums(&plan, 1_000_000, rule.unit).unwrap();
    }

    #[test]
    fn a_lone_leaf_gets_the_total() {
        let plan = split_tree(30_000, &SplitRule::default(), &rep(7, [0; 3], 0, 0)).unwrap();
        assert_eq!(plan, [PlannedNode { id: 7, parent: None, suggested: 30_000, split: None }]);
    }

    #[test]
    fn refusals_name_the_node() {
        let rule = SplitRule::default();
        let dup = Node::inner(1, vec![Node::inner(10, vec![rep(1, [0; 3], 0, 1)])]);
        assert_eq!(split_tree(10_000, &rule, &dup), Err(TreeError::DuplicateNode(1)));
        let empty = Node::inner(1, vec![Node::inner(10, vec![]), Node::inner(20, vec![rep(21, [1; 3], 1, 1)])]);
        assert_eq!(split_tree(10_000, &rule, &empty), Err(TreeError::Split { parent: 10, source: SplitError::NoChildren }));
        let negative = Node::inner(1, vec![Node::inner(10, vec![rep(11, [1; 3], 1, -1), rep(12, [1; 3], 1, 9)])]);
        assert_eq!(
            split_tree(10_000, &rule, &negative),
            Err(TreeError::Split { parent: 10, source: SplitError::NegativeScore(11) })
        );
        assert_eq!(
            split_tree(10_001, &rule, &company()),
            Err(TreeError::Split { parent: 1, source: SplitError::Total { total: 10_001, unit: 10_000 } })
        );
        let huge = Node::inner(1, vec![Node::inner(10, vec![rep(11, [i64::MAX, 0, 0], 0, 1), rep(12, [1, 0, 0], 0, 1)])]);
        assert_eq!(split_tree(10_000, &rule, &huge), Err(TreeError::Overflow(10)));
    }

    /// Random trees up to four levels deep; ids are given afterwards.
    fn arb_tree() -> impl Strategy<Value = Node> {
        let leaf = (prop::array::uniform3(-1_000i64..5_000_000), 0i64..2_000_000, 0i64..40, 0i64..4).prop_map(
            |(history, pipeline, tenths, priority)| {
                Node::Leaf(ChildInput {
                    id: 0,
                    history,
                    pipeline,
                    staffing: Decimal::new(tenths, 1),
                    priority: Decimal::from(priority),
                })
            },
        );
        leaf.prop_recursive(3, 120, 6, |inner| {
            (prop::collection::vec(inner, 1..6), 0i64..4).prop_map(|(children, priority)| Node::Inner {
                id: 0,
                priority: Decimal::from(priority),
                children,
            })
        })
    }

    fn number(node: &mut Node, next: &mut i64) {
        *next += 1;
        match node {
            Node::Leaf(c) => c.id = *next,
            Node::Inner { id, children, .. } => {
                *id = *next;
                children.iter_mut().for_each(|c| number(c, next));
            }
        }
    }

    fn count(node: &Node) -> usize {
        match node {
            Node::Leaf(_) => 1,
            Node::Inner { children, .. } => 1 + children.iter().map(count).sum::<usize>(),
        }
    }

    proptest! {
        #[test]
        fn every_parent_is_the_sum_of_its_children(
            mut tree in arb_tree(), units in 0i64..1_000_000, unit in prop::sample::select(vec![1i64, 100, 10_000]), a in 0u32..=100, b in 0u32..=100
        ) {
            number(&mut tree, &mut 0);
            let (lo, hi) = (a.min(b), a.max(b));
            let weights = Weights { market: Decimal::from(lo), staffing: Decimal::from(hi - lo), priority: Decimal::from(100 - hi) };
            let rule = SplitRule { weights, unit, ..SplitRule::default() };
            let total = units * unit;
            let plan = split_tree(total, &rule, &tree).unwrap();
            prop_assert_eq!(plan.len(), count(&tree));
            if let Err(e) = check_sums(&plan, total, unit) {
                prop_assert!(false, "{}", e);
            }
        }
    }
}
