//! "Every node has its own computation graph": the 2-hop tree that a 2-layer GCN
//! unrolls for a node, drawn as SVG. A node's output depends on its neighbours'
//! first-layer outputs, each of which depends on their neighbours (and, through the
//! self-loops of A + I, on themselves).

use std::fmt::Write as _;

use models::graph::Graph;

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

/// Lay the tree out: leaves evenly spaced, parents centred over their children.
fn draw(t: &TreeNode, depth: usize, x0: f64, spacing: f64, top: f64, out: &mut String) -> f64 {
    let y = top + depth as f64 * 110.0;
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
                y + 98.0
            );
        }
        centre
    };
    let fill = if depth == 0 { "#fde68a" } else { "#dbeafe" };
    let _ = writeln!(
        out,
        "<circle cx=\"{x:.1}\" cy=\"{:.1}\" r=\"12\" fill=\"{fill}\" stroke=\"#374151\"/>",
        y + 12.0
    );
    let _ = writeln!(
        out,
        "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\">{}</text>",
        y + 16.0,
        t.node
    );
    x
}

/// Two nodes' 2-hop computation trees side by side.
pub fn two_computation_trees(graph: &Graph, (a, b): (usize, usize)) -> String {
    let adj = graph.neighbours();
    let trees = [unroll(&adj, a, 2), unroll(&adj, b, 2)];
    let spacing = 27.0;
    let widths: Vec<f64> = trees.iter().map(|t| leaves(t) as f64 * spacing).collect();
    let width = widths.iter().sum::<f64>() + 80.0;
    let height = 300.0;
    let mut body = String::new();
    let mut x0 = 20.0;
    for (t, w) in trees.iter().zip(&widths) {
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">node {}: {} leaves</text>",
            x0 + w / 2.0,
            t.node,
            leaves(t)
        );
        draw(t, 0, x0, spacing, 40.0, &mut body);
        x0 += w + 40.0;
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" \
         font-family=\"DejaVu Sans, sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{body}</svg>\n"
    )
}
