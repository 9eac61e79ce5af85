//! What the page "Adding your own model" includes: the GMU beside TFN, LMF's best rank
//! and the product of projections (a table in `results.md`), the model's line count, and
//! its diagram, drawn from the model's own parameter shapes.

use autograd::seeded_rng;
use kit::diagram::{Diagram, Kind, Link, Node};
use kit::{Output, Table};
use models::fusion::Method;
use models::toymosi::{Modality, SentimentScores};

use crate::gmu::Gmu;
use crate::gmu_claims::best_lmf;
use crate::grid::TAV;
use crate::{Report, Run};

/// An untrained GMU on T+A+V, built as the chapter's runs build theirs (the diagram
/// needs only its shapes).
pub fn untrained() -> Gmu {
    let widths: Vec<usize> = TAV.iter().map(|m| m.width()).collect();
    Gmu::new(&widths, &mut seeded_rng(0))
}

/// The colour of a modality's boxes.
fn kind(m: Modality) -> Kind {
    match m {
        Modality::Text => Kind::Text,
        Modality::Audio => Kind::Audio,
        Modality::Video => Kind::Video,
    }
}

/// The GMU drawn from `model`'s parameters: each modality's input, projection and
/// candidate in its column, the gate beside them, the gated products, their sum and the
/// head. Every size is a weight's: an input's width the encoder's first layer's rows, a
/// projection's and a candidate's their layers' columns, the gate's and the head's
/// theirs. The boxes leave the biases out. `modalities` name the inputs, in order.
#[track_caller]
pub fn diagram(model: &Gmu, modalities: &[Modality]) -> Diagram {
    assert_eq!(model.encoders.len(), modalities.len(), "gmu::diagram: one modality per encoder");
    let out = |l: &models::Linear| l.weight.shape()[1];
    let mut d = Diagram::new("The Gated Multimodal Unit: one gate per modality").spacing(172.0, 88.0);
    let gate_column = modalities.len() as f64;
    let (bus_in, bus_out) = (1.5, 2.6);
    let mut encoders = Vec::new();
    for (k, (&m, (e, w))) in modalities.iter().zip(model.encoders.iter().zip(&model.transforms)).enumerate() {
        let (l, c) = (m.letter(), k as f64);
        let name = format!("{m:?}").to_lowercase();
        let (x, p, h, g) = (format!("x_{l}"), format!("e_{l}"), format!("h_{l}"), format!("gated_{l}"));
        d.add(Node::new(&x, kind(m), (c, 0.0), format!("{name} x_{l}")).dims(&[e.hidden.weight.shape()[0]]));
        d.add(Node::new(&p, kind(m), (c, 1.0), format!("e_{l} = E_{l}(x_{l})")).dims(&[out(&e.out)]));
        d.add(
            Node::new(&h, kind(m), (c, 2.0), format!("candidate h_{l}"))
                .line(format!("tanh(W_{l} e_{l})"))
                .dims(&[out(w)]),
        );
        d.add(Node::op(&g, (c, 3.0), "⊙"));
        d.link(&x, &p, Link::Flow).link(&p, &h, Link::Flow).link(&h, &g, Link::Flow);
        // Every projection into the gate along a bus under the projections; each gate
        // back along a bus under the candidates, into its product from the right.
        d.link_via(&p, "gate", Link::Flow, &[(c, bus_in), (gate_column, bus_in)]);
        d.link_via("gate", &g, Link::Flow, &[(gate_column, bus_out), (c + 0.28, bus_out), (c + 0.28, 3.0)]);
        d.note((c + 0.42, bus_out + 0.22), format!("z_{l}"));
        d.link(&g, "sum", Link::Flow);
        encoders.push(p);
    }
    let members: Vec<&str> = encoders.iter().map(String::as_str).collect();
    d.group("encoders", &members);
    let letters: Vec<String> = modalities.iter().map(|m| format!("e_{}", m.letter())).collect();
    d.add(
        Node::new("gate", Kind::Joint, (gate_column, 2.0), "gates z = σ(W_z e)")
            .line(format!("e = [{}]", letters.join("; ")))
            .dims(&[out(&model.gate)]),
    );
    let middle = (modalities.len() as f64 - 1.0) / 2.0;
    d.add(Node::op("sum", (middle, 4.0), "Σ"));
    d.note((middle + 0.75, 4.0), "h = Σ_m z_m ⊙ h_m");
    d.add(Node::new("y", Kind::Other, (middle, 5.0), "ŷ = w · dropout(h) + b").dims(&[out(&model.head)]));
    d.link("sum", "y", Link::Flow);
    d
}

/// The table's row of one model: Acc-2 and MAE (mean ± sd over the seeds), its
/// parameters, those after the encoders, and its share of TFN's.
fn row(table: &mut Table, name: String, runs: &[Run], parameters: usize, fusion: usize, tfn: usize) {
    let stat = |f: &dyn Fn(&SentimentScores) -> f64| {
        models::toymosi::mean_sd(&runs.iter().map(|r| f(&r.test)).collect::<Vec<_>>())
    };
    let ((a, a_sd), (m, m_sd)) = (stat(&|s| 100.0 * s.acc2), stat(&|s| s.mae));
    table.row(&[
        name,
        format!("{a:.1} ± {a_sd:.1}"),
        format!("{m:.3} ± {m_sd:.3}"),
        parameters.to_string(),
        format!("{:.1}%", 100.0 * parameters as f64 / tfn as f64),
        fusion.to_string(),
    ]);
}

/// The part of `results.md` the page includes: the anchors `gmu` (the table) and
/// `gmu_lines` (the model's line count, alone, for a sentence of the page). Empty for a
/// report without the GMU (a run on CMU-MOSI's features).
pub(crate) fn markdown(r: &Report) -> String {
    let (Some(g), Some(tfn)) = (&r.gmu, r.cell(Method::Tfn)) else { return String::new() };
    let mut table =
        Table::new(&["fusion (T+A+V)", "Acc-2", "MAE", "parameters", "share of TFN's", "after the encoders"]);
    row(&mut table, "GMU".into(), &g.runs, g.parameters, g.fusion_parameters, tfn.parameters);
    let best = best_lmf(r).ok();
    for c in [Some(tfn), best, r.cell(Method::Product)].into_iter().flatten() {
        let name = if best.is_some_and(|b| std::ptr::eq(b, c)) {
            format!("{} (best mean Acc-2 of the sweep)", c.name())
        } else {
            c.name()
        };
        row(&mut table, name, &c.runs, c.parameters, c.fusion_parameters, tfn.parameters);
    }
    format!(
        "<!-- ANCHOR: gmu -->\n{}\nMeans ± standard deviations over {} seeds, on the test split; Acc-2 in percent. \
         Parameters of the whole model, its share of TFN's whole model, and those after the shared encoders. The \
         same datasets, seeds and protocol for every row.\n<!-- ANCHOR_END: gmu -->\n\n\
         <!-- ANCHOR: gmu_lines -->\n{}\n<!-- ANCHOR_END: gmu_lines -->\n\n",
        table.to_markdown(),
        g.runs.len(),
        g.code_lines
    )
}

/// Write `figures/diagram-gmu.svg`.
pub(crate) fn write_diagram(out: &Output) -> anyhow::Result<()> {
    diagram(&untrained(), &TAV).write(&out.figure("diagram-gmu.svg"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_in_the_diagram_is_the_models() {
        for widths in [TAV.iter().map(|m| m.width()).collect::<Vec<_>>(), vec![3, 5]] {
            let model = Gmu::new(&widths, &mut seeded_rng(0));
            let modalities = &TAV[..widths.len()];
            let mut expected = vec![("gate".to_string(), vec![8 * widths.len()]), ("y".to_string(), vec![1])];
            for (m, &w) in modalities.iter().zip(&widths) {
                let l = m.letter();
                expected.push((format!("x_{l}"), vec![w]));
                expected.push((format!("e_{l}"), vec![8]));
                expected.push((format!("h_{l}"), vec![8]));
            }
            let d = diagram(&model, modalities);
            d.check_dims(&expected).unwrap();
            d.svg().unwrap();
        }
    }
}
