//! Block diagrams of the models, as SVG in the figures' style: boxes for inputs,
//! layers and representations, arrows for data flow, dashed links for a loss or
//! constraint between spaces, plain edges for the undirected connections of a
//! Boltzmann machine, and looks for an input that is zeroed or a layer that is
//! clamped.
//!
//! A diagram is drawn from the model it shows: a chapter builds it from its model and
//! configuration objects, and every size it prints is recorded beside the box
//! ([`Diagram::dims`]), so a test can check each one against the model's parameter
//! shapes. Positions are on a grid the chapter chooses (column, row, fractions
//! allowed); box sizes come from their text, measured with the figures' font.
//!
//! ```
//! use kit::diagram::{Diagram, Kind, Link, Node};
//! let mut d = Diagram::new("A two-layer encoder");
//! d.add(Node::new("x", Kind::Image, (0.0, 0.0), "image x").dims(&[784]));
//! d.add(Node::new("h", Kind::Joint, (1.5, 0.0), "code h").dims(&[64]));
//! d.link("x", "h", Link::Flow);
//! assert_eq!(d.dims("h"), Some(&[64][..]));
//! let svg = d.svg().unwrap();
//! assert!(svg.contains("784"));
//! ```

use std::fmt::Write as _;

use anyhow::{anyhow, bail};
use plotters::prelude::*;

use crate::plot::PALETTE;

mod render;

/// The widest a diagram may be, in pixels: the book's text column, so a diagram is
/// never scaled down and its smallest text stays at 13 px on the page.
pub const MAX_WIDTH: f64 = 740.0;

/// What a box holds, which sets its colour: one colour per modality, the same in every
/// chapter (image blue, audio orange, text green, video purple), red for a joint or
/// fused representation, grey for anything else (a loss, an operation, a label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An image, or a layer of the image pathway.
    Image,
    /// Audio, or a layer of the audio pathway.
    Audio,
    /// Text (words, tags, a caption), or a layer of the text pathway.
    Text,
    /// Video, or a layer of the video pathway.
    Video,
    /// A representation shared by the modalities, or their fusion.
    Joint,
    /// Neither: a graph, an output, a loss, an operation.
    Other,
}

impl Kind {
    /// The palette colour of this kind (indices into [`PALETTE`]).
    pub fn colour(self) -> RGBColor {
        match self {
            Kind::Image => PALETTE[0],
            Kind::Audio => PALETTE[1],
            Kind::Text => PALETTE[2],
            Kind::Video => PALETTE[4],
            Kind::Joint => PALETTE[3],
            Kind::Other => PALETTE[7],
        }
    }
}

/// How a box is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// A rounded box, lightly filled with its kind's colour.
    Box,
    /// An input set to zero (the missing modality): a dashed grey outline, grey text.
    Zeroed,
    /// A layer held at given values while the others are inferred: a thick outline
    /// and a darker fill.
    Clamped,
    /// An operation (×, +, σ, tanh, ⊗): a small circle around its symbol.
    Op,
}

/// One box of a diagram.
#[derive(Debug, Clone)]
pub struct Node {
    /// The name links refer to; never drawn.
    pub id: String,
    /// What it holds (its colour).
    pub kind: Kind,
    /// Its centre on the chapter's grid: (column, row).
    pub at: (f64, f64),
    /// Its text, a line each; the last lines carry the sizes given to [`Node::dims`].
    pub lines: Vec<String>,
    /// The sizes printed in it, as the model has them (a width, or a shape).
    pub dims: Vec<usize>,
    /// How it is drawn.
    pub look: Look,
    /// A fixed size in pixels instead of one fitted to the text.
    pub size: Option<(f64, f64)>,
}

impl Node {
    /// A box with one line of text, `label`, centred at `at` on the grid.
    pub fn new(id: impl Into<String>, kind: Kind, at: (f64, f64), label: impl Into<String>) -> Node {
        Node { id: id.into(), kind, at, lines: vec![label.into()], dims: vec![], look: Look::Box, size: None }
    }

    /// An operation: `symbol` in a small circle.
    pub fn op(id: impl Into<String>, at: (f64, f64), symbol: impl Into<String>) -> Node {
        Node { look: Look::Op, ..Node::new(id, Kind::Other, at, symbol) }
    }

    /// The sizes this box stands for (a layer's width, or a tensor's shape), printed on
    /// a line of their own ("784", "16 × 16 × 3") and recorded for tests.
    pub fn dims(mut self, dims: &[usize]) -> Node {
        let text: Vec<String> = dims.iter().map(usize::to_string).collect();
        self.lines.push(text.join(" × "));
        self.dims = dims.to_vec();
        self
    }

    /// One more line of text.
    pub fn line(mut self, text: impl Into<String>) -> Node {
        self.lines.push(text.into());
        self
    }

    /// Drawn with `look` instead of a plain box.
    pub fn look(mut self, look: Look) -> Node {
        self.look = look;
        self
    }

    /// A fixed size in pixels (cells of a block matrix, say), instead of one fitted to
    /// the text.
    pub fn sized(mut self, width: f64, height: f64) -> Node {
        self.size = Some((width, height));
        self
    }
}

/// How two boxes are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Data flows from the first to the second: an arrow.
    Flow,
    /// A loss or constraint between two spaces: a dashed line, arrowless.
    Loss,
    /// A symmetric connection (a Boltzmann machine's weights): a plain line, arrowless.
    Undirected,
}

/// A link between two boxes, with an optional label at its middle.
#[derive(Debug, Clone)]
pub struct Edge {
    /// The box it starts at.
    pub from: String,
    /// The box it ends at.
    pub to: String,
    /// How it is drawn.
    pub link: Link,
    /// Text at its middle (a loss's name, a weight's shape).
    pub label: Option<String>,
    /// Grid points it bends through, in order.
    pub via: Vec<(f64, f64)>,
}

/// A dashed frame around some boxes, named at its top left (an encoder, a pathway).
#[derive(Debug, Clone)]
pub struct Group {
    /// The frame's name.
    pub label: String,
    /// The boxes inside it.
    pub members: Vec<String>,
}

/// A block diagram: boxes on a grid, the links between them, frames around groups.
#[derive(Debug, Clone)]
pub struct Diagram {
    /// Drawn above the diagram, as on the plots.
    pub title: String,
    /// Pixels between neighbouring columns' centres.
    pub column: f64,
    /// Pixels between neighbouring rows' centres.
    pub row: f64,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    groups: Vec<Group>,
    notes: Vec<((f64, f64), String)>,
}

impl Diagram {
    /// An empty diagram with columns 150 px apart and rows 80 px apart.
    pub fn new(title: impl Into<String>) -> Diagram {
        Diagram {
            title: title.into(),
            column: 150.0,
            row: 80.0,
            nodes: vec![],
            edges: vec![],
            groups: vec![],
            notes: vec![],
        }
    }

    /// The same diagram with its grid spacing set (pixels between centres).
    pub fn spacing(mut self, column: f64, row: f64) -> Diagram {
        self.column = column;
        self.row = row;
        self
    }

    /// Adds a box. Panics if its id is taken: two boxes with one name is a bug in the
    /// chapter's drawing code.
    #[track_caller]
    pub fn add(&mut self, node: Node) -> &mut Diagram {
        assert!(self.node(&node.id).is_none(), "diagram '{}': two boxes named '{}'", self.title, node.id);
        self.nodes.push(node);
        self
    }

    /// Joins two boxes (checked when the diagram is drawn).
    pub fn link(&mut self, from: &str, to: &str, link: Link) -> &mut Diagram {
        self.edges.push(Edge { from: from.into(), to: to.into(), link, label: None, via: vec![] });
        self
    }

    /// Joins two boxes with `label` at the link's middle.
    pub fn link_labelled(
        &mut self,
        from: &str,
        to: &str,
        link: Link,
        label: impl Into<String>,
    ) -> &mut Diagram {
        self.edges.push(Edge {
            from: from.into(),
            to: to.into(),
            link,
            label: Some(label.into()),
            via: vec![],
        });
        self
    }

    /// Joins two boxes through the grid points `via` (to go around a box).
    pub fn link_via(&mut self, from: &str, to: &str, link: Link, via: &[(f64, f64)]) -> &mut Diagram {
        self.edges.push(Edge { from: from.into(), to: to.into(), link, label: None, via: via.to_vec() });
        self
    }

    /// A dashed frame around `members`, named `label`.
    pub fn group(&mut self, label: impl Into<String>, members: &[&str]) -> &mut Diagram {
        self.groups
            .push(Group { label: label.into(), members: members.iter().map(|m| m.to_string()).collect() });
        self
    }

    /// Free text centred at a grid point (a heading over a column, say).
    pub fn note(&mut self, at: (f64, f64), text: impl Into<String>) -> &mut Diagram {
        self.notes.push((at, text.into()));
        self
    }

    /// The box named `id`.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The boxes, in the order they were added.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The links, in the order they were added.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The sizes printed in box `id`, as recorded by [`Node::dims`]; None if there is
    /// no such box.
    pub fn dims(&self, id: &str) -> Option<&[usize]> {
        self.node(id).map(|n| n.dims.as_slice())
    }

    /// Every size printed anywhere, with its box's id, for a test that checks them all
    /// against the model.
    pub fn all_dims(&self) -> Vec<(&str, &[usize])> {
        self.nodes.iter().filter(|n| !n.dims.is_empty()).map(|n| (n.id.as_str(), n.dims.as_slice())).collect()
    }

    /// Whether the sizes printed in the diagram are exactly `expected` (box id, sizes),
    /// in any order: no box missing, none extra, none with other sizes. The error lists
    /// each difference by box, for a test that ties a diagram to its model's shapes.
    pub fn check_dims(&self, expected: &[(String, Vec<usize>)]) -> Result<(), String> {
        let drawn = self.all_dims();
        let mut problems = Vec::new();
        for (id, dims) in expected {
            match drawn.iter().find(|d| d.0 == id) {
                None => problems.push(format!("box '{id}' ({dims:?}) is not drawn with sizes")),
                Some((_, got)) if *got != dims.as_slice() => {
                    problems.push(format!("box '{id}' prints {got:?}, the model has {dims:?}"))
                }
                Some(_) => {}
            }
        }
        for (id, got) in &drawn {
            if !expected.iter().any(|e| e.0 == *id) {
                problems.push(format!("box '{id}' prints {got:?}, which the model does not have"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("diagram '{}': {}", self.title, problems.join("; ")))
        }
    }

    /// The SVG text. Errors name what to fix: a link to a box that does not exist, a
    /// frame around one, or a diagram wider than the book's column.
    pub fn svg(&self) -> anyhow::Result<String> {
        for e in &self.edges {
            for end in [&e.from, &e.to] {
                if self.node(end).is_none() {
                    bail!("diagram '{}': a link names box '{end}', which was never added", self.title);
                }
            }
        }
        for g in &self.groups {
            if let Some(m) = g.members.iter().find(|m| self.node(m).is_none()) {
                bail!("diagram '{}': frame '{}' names box '{m}', which was never added", self.title, g.label);
            }
        }
        render::svg(self)
    }

    /// Writes the SVG to `path` atomically.
    pub fn write(&self, path: &std::path::Path) -> anyhow::Result<()> {
        let svg = self.svg()?;
        crate::report::write_atomic(path, svg.as_bytes())
    }
}

/// `#rrggbb` of a colour, or of the colour mixed with white (`amount` of the colour).
fn hex(c: RGBColor, amount: f64) -> String {
    let mix = |v: u8| (f64::from(v) * amount + 255.0 * (1.0 - amount)).round() as u8;
    let mut s = String::from("#");
    for v in [c.0, c.1, c.2] {
        let _ = write!(s, "{:02x}", mix(v));
    }
    s
}

/// Text escaped for SVG.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// An error if `width` does not fit the book's column.
fn check_width(title: &str, width: f64) -> anyhow::Result<()> {
    if width > MAX_WIDTH + 0.5 {
        return Err(anyhow!(
            "diagram '{title}' is {width:.0} px wide, more than the book's column ({MAX_WIDTH} px): \
             bring its columns closer (Diagram::spacing) or shorten its labels"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
