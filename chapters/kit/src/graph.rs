//! Draw a computation graph as SVG with a small layered layout, no Graphviz needed:
//! each node sits in the column of its longest path from a leaf, so every edge
//! points right, from inputs to the op that consumed them. Boxes show the op (or the
//! variable's name), the shape, and for one-element tensors the value and gradient.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use autograd::{Gradients, Tensor};

const BOX_W: usize = 140;
const BOX_H: usize = 64;
const GAP_X: usize = 40;
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
    let mut rows_in_column = vec![0usize; columns];
    let mut position: HashMap<usize, (usize, usize)> = HashMap::new();
    for id in nodes.keys() {
        let c = column[id];
        position.insert(*id, (20 + c * (BOX_W + GAP_X), 20 + rows_in_column[c] * (BOX_H + GAP_Y)));
        rows_in_column[c] += 1;
    }
    let height = 40 + rows_in_column.iter().max().unwrap_or(&1) * (BOX_H + GAP_Y);
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
        let _ = writeln!(
            svg,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"8\" fill=\"{fill}\" stroke=\"#374151\"/>"
        );
        for (k, line) in lines.iter().enumerate() {
            let weight = if k == 0 { " font-weight=\"bold\"" } else { "" };
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
        assert_eq!(svg, graph_svg(&y, &[(&x, "x"), (&w, "w"), (&y, "y")], Some(&grads)), "deterministic");
    }
}
