//! "Every node has its own computation graph": the 2-hop tree that a 2-layer GCN
//! unrolls for a node, drawn as SVG. A node's output depends on its neighbours'
//! first-layer outputs, each of which depends on their neighbours (and, through the
//! self-loops of A + I, on themselves).

use std::fmt::Write as _;

use models::graph::Graph;
use serde::{Deserialize, Serialize};

struct TreeNode {
    node: usize,
    children: Vec<TreeNode>,
}

/// The unrolled tree of `root` to `depth` hops; children are the node itself and its
/// neighbours (the rows of A + I).
fn unroll(adj: &[Vec<usize>], root: usize, depth: usize) -> TreeNode {
    let children = if depth == 0 {
        vec![]
    } else {
        std::iter::once(root).chain(adj[root].iter().copied()).map(|c| unroll(adj, c, depth - 1)).collect()
    };
    TreeNode { node: root, children }
}

fn leaves(t: &TreeNode) -> usize {
    if t.children.is_empty() { 1 } else { t.children.iter().map(leaves).sum() }
}

/// Vertical distance between a tree's levels, in pixels.
const LEVEL: f64 = 72.0;

/// Lay the tree out: leaves evenly spaced, parents centred over their children.
fn draw(t: &TreeNode, depth: usize, x0: f64, spacing: f64, top: f64, out: &mut String) -> f64 {
    let y = top + depth as f64 * LEVEL;
    let x = if t.children.is_empty() {
        x0 + spacing / 2.0
    } else {
        let mut cursor = x0;
        let mut xs = Vec::new();
        for c in &t.children {
            xs.push(draw(c, depth + 1, cursor, spacing, top, out));
            cursor += leaves(c) as f64 * spacing;
        }
        let centre = (xs[0] + xs[xs.len() - 1]) / 2.0;
        for cx in &xs {
            let _ = writeln!(
                out,
                "<line x1=\"{centre:.1}\" y1=\"{:.1}\" x2=\"{cx:.1}\" y2=\"{:.1}\" stroke=\"#888\"/>",
                y + 12.0,
                y + LEVEL - 1.0
            );
        }
        centre
    };
    let fill = if depth == 0 { "#fde68a" } else { "#dbeafe" };
    let _ = writeln!(
        out,
        "<circle cx=\"{x:.1}\" cy=\"{:.1}\" r=\"13\" fill=\"{fill}\" stroke=\"#374151\"/>",
        y + 12.0
    );
    let _ = writeln!(
        out,
        "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\">{}</text>",
        y + 16.5,
        t.node
    );
    x
}

/// How far one node's computation tree reaches.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct TreeReach {
    /// The root.
    pub node: usize,
    /// The node's friends (its neighbours in A).
    pub neighbours: Vec<usize>,
    /// Leaves of the unrolled tree (with repeats).
    pub leaves: usize,
    /// Distinct nodes anywhere in the tree, the root included.
    pub distinct: usize,
    /// Nodes in the graph.
    pub of: usize,
}

/// The reach of `root`'s `depth`-hop tree.
pub fn tree_reach(graph: &Graph, root: usize, depth: usize) -> TreeReach {
    let adj = graph.neighbours();
    let tree = unroll(&adj, root, depth);
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![&tree];
    while let Some(t) = stack.pop() {
        seen.insert(t.node);
        stack.extend(&t.children);
    }
    TreeReach {
        node: root,
        neighbours: adj[root].clone(),
        leaves: leaves(&tree),
        distinct: seen.len(),
        of: graph.n,
    }
}

/// Two nodes' 2-hop computation trees, one above the other (so the figure fits the
/// book's text width at full size).
pub fn two_computation_trees(graph: &Graph, (a, b): (usize, usize)) -> String {
    let adj = graph.neighbours();
    let trees = [unroll(&adj, a, 2), unroll(&adj, b, 2)];
    let spacing = 32.0;
    let widths: Vec<f64> = trees.iter().map(|t| leaves(t) as f64 * spacing).collect();
    let margin = 100.0; // the level labels on the left
    let width = widths.iter().copied().fold(0.0, f64::max) + 40.0 + margin;
    let band = 44.0 + 2.0 * LEVEL + 40.0;
    let height = band * trees.len() as f64;
    let mut body = String::new();
    for (k, (t, w)) in trees.iter().zip(&widths).enumerate() {
        let top = k as f64 * band;
        let x0 = margin + (width - margin - w) / 2.0;
        let reach = tree_reach(graph, t.node, 2);
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\
             node {}: {} friend{}, {} leaves, {} distinct members of {}</text>",
            width / 2.0,
            top + 24.0,
            t.node,
            reach.neighbours.len(),
            if reach.neighbours.len() == 1 { "" } else { "s" },
            reach.leaves,
            reach.distinct,
            reach.of
        );
        draw(t, 0, x0, spacing, top + 44.0, &mut body);
        for (level, name) in ["layer 2 output", "layer 1 output", "input X"].iter().enumerate() {
            let _ = writeln!(
                body,
                "<text x=\"8\" y=\"{:.1}\" font-size=\"12\" fill=\"#374151\">{name}</text>",
                top + 44.0 + level as f64 * LEVEL + 16.5
            );
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" \
         font-family=\"DejaVu Sans, sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{body}</svg>\n"
    )
}
