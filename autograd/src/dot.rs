//! Graphviz DOT export of a computation graph, so a page can show the graph a
//! formula built.

use std::collections::HashSet;
use std::fmt::Write;

use crate::tensor::Tensor;

impl Tensor {
    /// The graph that made this tensor, as Graphviz DOT: one box per node labelled
    /// with its op and shape (variables as ellipses), edges from inputs to outputs.
    /// Render with `dot -Tsvg`.
    pub fn to_dot(&self) -> String {
        self.to_dot_named(&[])
    }

    /// Like [`Tensor::to_dot`], with the tensors in `names` called by their names
    /// (`x1`, `w1`, `n`, ...) instead of `n<id>`, so the DOT text reads like a
    /// figure of the same graph.
    pub fn to_dot_named(&self, names: &[(&Tensor, &str)]) -> String {
        // Every node of the graph, in creation (id) order.
        let mut nodes: Vec<Tensor> = Vec::new();
        let mut seen = HashSet::new();
        let mut stack = vec![self.clone()];
        while let Some(t) = stack.pop() {
            if seen.insert(t.id()) {
                stack.extend(t.inputs());
                nodes.push(t);
            }
        }
        nodes.sort_by_key(Tensor::id);
        // Unnamed nodes are numbered by their place in this graph, not by their global
        // id, so the text does not depend on what else the program built before.
        let name_of = |t: &Tensor| match names.iter().find(|(n, _)| n.id() == t.id()) {
            Some((_, name)) => name.to_string(),
            None => format!("n{}", nodes.iter().position(|m| m.id() == t.id()).unwrap_or(0)),
        };
        let mut out = String::from(
            "digraph computation {\n  rankdir=LR;\n  node [fontname=\"DejaVu Sans\", fontsize=11];\n",
        );
        for t in &nodes {
            let (label, style) = match t.op_name() {
                "leaf" if t.requires_grad() => {
                    ("variable".to_string(), "shape=ellipse, style=filled, fillcolor=\"#dbeafe\"")
                }
                "leaf" => ("constant".to_string(), "shape=ellipse"),
                name => (name.to_string(), "shape=box, style=rounded"),
            };
            let shape = format!("{:?}", t.shape());
            let id = name_of(t);
            let named = names.iter().any(|(n, _)| n.id() == t.id());
            let text = if named { format!("{id} = {label}") } else { label };
            let _ = writeln!(out, "  {id} [label=\"{text}\\n{shape}\", {style}];");
            for input in t.inputs() {
                let _ = writeln!(out, "  {} -> {id};", name_of(&input));
            }
        }
        out.push_str("}\n");
        out
    }
}
