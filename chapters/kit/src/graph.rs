//! Draw a computation graph as SVG with a small layered layout, no Graphviz needed:
//! each node sits in the column of its longest path from a leaf, so every edge
//! points right, from inputs to the op that consumed them. Boxes show the op (or the
//! variable's name), the shape, and for one-element tensors the value and gradient,
//! and each node's id: its place in creation order within this graph, counted from 0
//! (the engine's own counter, renumbered so the picture does not depend on what else
//! the program built). With gradients, each box also says when `backward()` visited
//! it: by id, largest first, so every node before any of its inputs.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use autograd::{Gradients, Tensor};

const BOX_W: usize = 146;
const BOX_H: usize = 82;
const GAP_X: usize = 28;
const GAP_Y: usize = 22;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The SVG of the graph that made `root`. `names` labels tensors the reader knows by
/// name (`x1`, `w1`, ...); `grads`, if given, adds each node's gradient.
pub fn graph_svg(root: &Tensor, names: &[(&Tensor, &str)], grads: Option<&Gradients>) -> String {
    // Every node, by id (ids ascend in creation order: inputs before outputs).
    let mut nodes: BTreeMap<usize, Tensor> = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(t) = stack.pop() {
        if nodes.insert(t.id(), t.clone()).is_none() {
            stack.extend(t.inputs());
        }
    }
    let name_of: HashMap<usize, &str> = names.iter().map(|(t, n)| (t.id(), *n)).collect();
    // Column = longest path from a leaf; computed in id order, so inputs come first.
    let mut column: HashMap<usize, usize> = HashMap::new();
    for (id, t) in &nodes {
        let c = t.inputs().iter().map(|i| column[&i.id()] + 1).max().unwrap_or(0);
        column.insert(*id, c);
    }
    let columns = column.values().max().map_or(1, |m| m + 1);
    // Rows: the last column in id order; every other column, right to left, ordered by
    // where its nodes' consumers sit (nearest column first, then the consumers' mean
    // row, then id), so inputs sit beside the op they feed and edges rarely cross.
    let mut consumers: HashMap<usize, Vec<usize>> = HashMap::new();
    for (id, t) in &nodes {
        for input in t.inputs() {
            consumers.entry(input.id()).or_default().push(*id);
        }
    }
    let mut row: HashMap<usize, usize> = HashMap::new();
    for c in (0..columns).rev() {
        let mut in_column: Vec<(usize, f64, usize)> = nodes
            .keys()
            .filter(|id| column[id] == c)
            .map(|&id| {
                let users = consumers.get(&id).map_or(&[][..], Vec::as_slice);
                let nearest = users.iter().map(|u| column[u]).min().unwrap_or(0);
                let mean_row = if users.is_empty() {
                    0.0
                } else {
                    users.iter().map(|u| row[u] as f64).sum::<f64>() / users.len() as f64
                };
                (nearest, mean_row, id)
            })
            .collect();
        in_column.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
        for (r, &(_, _, id)) in in_column.iter().enumerate() {
            row.insert(id, r);
        }
    }
    // Heights: the first column stacked; every later column, left to right, puts each
    // node level with the middle of its inputs, pushed down if it would overlap the
    // node above it. The graph reads as a tree narrowing towards the output.
    let mut position: HashMap<usize, (usize, usize)> = HashMap::new();
    for c in 0..columns {
        let mut in_column: Vec<usize> = nodes.keys().copied().filter(|id| column[id] == c).collect();
        in_column.sort_by_key(|id| row[id]);
        let mut next_free = 20;
        for id in in_column {
            let inputs = nodes[&id].inputs();
            let wanted = if inputs.is_empty() {
                next_free
            } else {
                inputs.iter().map(|i| position[&i.id()].1).sum::<usize>() / inputs.len()
            };
            let y = wanted.max(next_free);
            position.insert(id, (20 + c * (BOX_W + GAP_X), y));
            next_free = y + BOX_H + GAP_Y;
        }
    }
    // Ids within this graph (0 = the first node created), and the step at which the
    // backward pass visits each node that gets a gradient: descending id.
    let local_id: HashMap<usize, usize> = nodes.keys().enumerate().map(|(k, id)| (*id, k)).collect();
    let visit: HashMap<usize, usize> = nodes
        .iter()
        .rev()
        .filter(|(_, t)| grads.is_some_and(|g| g.get(t).is_some()))
        .enumerate()
        .map(|(k, (id, _))| (*id, k + 1))
        .collect();
    let height = 20 + position.values().map(|p| p.1 + BOX_H).max().unwrap_or(BOX_H);
    let width = 40 + columns * (BOX_W + GAP_X) - GAP_X;

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         font-family=\"DejaVu Sans, sans-serif\" font-size=\"14\">\n\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" \
         orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for (id, t) in &nodes {
        let (x, y) = position[id];
        for input in t.inputs() {
            let (ix, iy) = position[&input.id()];
            let _ = writeln!(
                svg,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"/>",
                ix + BOX_W,
                iy + BOX_H / 2,
                x,
                y + BOX_H / 2
            );
        }
    }
    for (id, t) in &nodes {
        let (x, y) = position[id];
        let (title, fill) = match (name_of.get(id), t.op_name()) {
            (Some(name), "leaf") if t.requires_grad() => (name.to_string(), "#dbeafe"),
            (Some(name), "leaf") => (name.to_string(), "#f3f4f6"),
            (Some(name), op) => (format!("{name} = {op}"), "#fef3c7"),
            (None, "leaf") if t.requires_grad() => ("variable".to_string(), "#dbeafe"),
            (None, "leaf") => ("constant".to_string(), "#f3f4f6"),
            (None, op) => (op.to_string(), "#fef3c7"),
        };
        let mut lines = vec![title];
        if t.numel() == 1 {
            lines.push(format!("value {:.4}", t.data()[0]));
            if let Some(g) = grads.and_then(|g| g.get(t)) {
                lines.push(format!("grad {:.4}", g.data()[0]));
            }
        } else {
            lines.push(format!("shape {:?}", t.shape()));
        }
        lines.push(match visit.get(id) {
            Some(step) => format!("id {} · visited {}", local_id[id], ordinal(*step)),
            None => format!("id {}", local_id[id]),
        });
        let footer = lines.len() - 1;
        let _ = writeln!(
            svg,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"8\" fill=\"{fill}\" stroke=\"#374151\"/>"
        );
        for (k, line) in lines.iter().enumerate() {
            let weight = match k {
                0 => " font-weight=\"bold\"",
                k if k == footer => " fill=\"#4b5563\"",
                _ => "",
            };
            let _ = writeln!(
                svg,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\"{weight}>{}</text>",
                x + BOX_W / 2,
                y + 19 + k * 18,
                escape(line)
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_every_node_and_edge() {
        let x = Tensor::var(vec![2.0], &[]);
        let w = Tensor::var(vec![-3.0], &[]);
        let y = x.mul(&w).tanh();
        let grads = y.backward();
        let svg = graph_svg(&y, &[(&x, "x"), (&w, "w"), (&y, "y")], Some(&grads));
        assert_eq!(svg.matches("<rect x=").count(), 4, "x, w, mul, tanh");
        assert_eq!(svg.matches("<line").count(), 3);
        assert!(svg.contains(">y = tanh<") && svg.contains(">x<") && svg.contains(">mul<"));
        assert!(svg.contains("grad "), "gradients are shown");
        // x and w are ids 0 and 1, mul 2, tanh 3; backward visits tanh first.
        assert!(svg.contains(">id 3 · visited 1st<") && svg.contains(">id 2 · visited 2nd<"));
        assert!(svg.contains(">id 0 · visited 4th<") && svg.contains(">id 1 · visited 3rd<"));
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(svg, graph_svg(&y, &[(&x, "x"), (&w, "w"), (&y, "y")], Some(&grads)), "deterministic");
    }
}
