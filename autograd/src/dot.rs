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
        let name_of = |t: &Tensor| {
            names
                .iter()
                .find(|(n, _)| n.id() == t.id())
                .map_or(format!("n{}", t.id()), |(_, n)| n.to_string())
        };
        let mut out = String::from(
            "digraph computation {\n  rankdir=LR;\n  node [fontname=\"DejaVu Sans\", fontsize=11];\n",
        );
        let mut seen = HashSet::new();
        let mut stack = vec![self.clone()];
        let mut lines = Vec::new();
        while let Some(t) = stack.pop() {
            if !seen.insert(t.id()) {
                continue;
            }
            let (label, style) = match t.op_name() {
                "leaf" if t.requires_grad() => {
                    ("variable".to_string(), "shape=ellipse, style=filled, fillcolor=\"#dbeafe\"")
                }
                "leaf" => ("constant".to_string(), "shape=ellipse"),
                name => (name.to_string(), "shape=box, style=rounded"),
            };
            let shape = format!("{:?}", t.shape());
            let id = name_of(&t);
            let named = names.iter().any(|(n, _)| n.id() == t.id());
            let text = if named { format!("{id} = {label}") } else { label };
            lines.push((t.id(), format!("  {id} [label=\"{text}\\n{shape}\", {style}];\n")));
            for input in t.inputs() {
                lines.push((t.id(), format!("  {} -> {id};\n", name_of(&input))));
                stack.push(input);
            }
        }
        // Order by node id so the text is the same every run.
        lines.sort_by_key(|(id, line)| (*id, !line.contains("label")));
        for (_, line) in lines {
            let _ = write!(out, "{line}");
        }
        out.push_str("}\n");
        out
    }
}
