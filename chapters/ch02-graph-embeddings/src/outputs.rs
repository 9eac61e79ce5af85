//! The chapter's figures and result tables.

use kit::claims::num;
use kit::plot::{Scatter, ScatterOptions, Series, line_chart, scatter_with};
use kit::{Options, Output, Table};

use crate::{Config, LayerDiagnostics, Report, Spread, run};

/// The chapter as the `zoo` runner and `main.rs` see it.
pub fn chapter() -> kit::Chapter {
    kit::Chapter {
        name: "ch02-graph-embeddings",
        title: "Chapter 2: graph embeddings with GCNs",
        run: run_and_write,
        claims_from_results: |json| Ok(crate::claims(&serde_json::from_str::<Report>(json)?)),
        export: None,
    }
}

fn run_and_write(options: &Options) -> anyhow::Result<kit::Outcome> {
    if let Some(dir) = &options.load {
        return crate::checkpoint::load_all(dir, &options.data);
    }
    let mut cfg = if options.quick { Config::quick() } else { Config::default() };
    cfg.seed = options.seed;
    cfg.data = options.data.clone();
    if let Some(epochs) = options.epochs {
        cfg.epochs = epochs;
    }
    let report = run(&cfg, options.progress)?;
    write_outputs(&report, &Output::new(&options.out))?;
    if let Some(dir) = &options.save {
        crate::checkpoint::save_all(dir, &report.figures.checkpoints, &options.data)?;
        println!("saved {} models to {}", report.figures.checkpoints.len(), dir.display());
    }
    let lesmis = &report.links[0];
    let headline = format!(
        "karate from the leaders' labels {:.3}; Les Misérables link AUC {:.3}; 2 layers {:.3}, {} layers plain {:.3} / residual {:.3}",
        report.karate.leaders.mean,
        lesmis.trained_gae.mean,
        report.depth.rows.iter().find(|r| r.depth == 2).map_or(f64::NAN, |r| r.plain),
        report.depth.deepest,
        report.depth.rows.last().map_or(f64::NAN, |r| r.plain),
        report.depth.rows.last().map_or(f64::NAN, |r| r.residual),
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}

/// One point per layer (a log-scale chart leaves out exact zeros by itself).
fn per_layer(layers: &[LayerDiagnostics], f: impl Fn(&LayerDiagnostics) -> f64) -> Vec<(f64, f64)> {
    layers.iter().map(|l| (l.layer as f64, f(l))).collect()
}

fn spread(s: &Spread) -> String {
    format!("{:.3} ± {:.3}", s.mean, s.std)
}

/// Scientific notation, and an exact zero (an f32 underflow) as a plain 0.
fn sci(v: f64) -> String {
    if v == 0.0 { "0".to_string() } else { format!("{v:.2e}") }
}

fn diagnostics_table(layers: &[LayerDiagnostics]) -> String {
    let mut t = Table::new(&[
        "layer",
        "‖∂L/∂W‖ at init",
        "‖∂L/∂W‖ trained",
        "mean ‖h‖ at init",
        "mean ‖h‖ trained",
        "cosine at init",
        "cosine trained",
    ]);
    for l in layers {
        t.row(&[
            l.layer.to_string(),
            sci(l.grad_norm_init),
            sci(l.grad_norm_trained),
            num(l.signal_norm_init),
            num(l.signal_norm_trained),
            format!("{:.3}", l.cosine_init),
            format!("{:.3}", l.cosine_trained),
        ]);
    }
    t.to_markdown()
}

/// The classifiers' training settings, as the page's table shows them.
pub(crate) fn settings(cfg: &Config) -> Vec<(String, String)> {
    use crate::common::{KARATE_HIDDEN, LEARNING_RATE, PLANTED_HIDDEN, WEIGHT_DECAY};
    let list = |v: &[usize]| v.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ");
    [
        ("karate club GCN", format!("{} layers, {KARATE_HIDDEN} hidden units, ReLU", cfg.karate_depth)),
        (
            "optimiser (every classifier)",
            format!(
                "full-batch Adam, learning rate {LEARNING_RATE}, weight decay {WEIGHT_DECAY}, {} steps",
                cfg.epochs
            ),
        ),
        ("random restarts (karate club)", cfg.seeds.to_string()),
        (
            "depth study",
            format!(
                "width {PLANTED_HIDDEN}, depths {}; {} planted graphs of {} nodes (and initialisations) per depth",
                list(&cfg.depths),
                cfg.depth_seeds,
                cfg.planted_nodes
            ),
        ),
        ("first seed", cfg.seed.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

pub fn results_markdown(r: &Report) -> String {
    let mut settings = Table::new(&["setting", "value"]);
    for (k, v) in &r.settings {
        settings.row(&[k.clone(), v.clone()]);
    }
    let mut karate =
        Table::new(&["labelled nodes", "accuracy on the other 32 (mean ± std)", "minimum", "runs"]);
    for (name, s) in [
        ("the two leaders (0 and 33)", &r.karate.leaders),
        ("one random member per faction", &r.karate.one_per_faction),
    ] {
        karate.row(&[name.to_string(), spread(s), format!("{:.3}", s.min), s.runs.to_string()]);
    }
    let mut untrained =
        Table::new(&["2-D points", "logistic-regression training accuracy (mean ± std)", "minimum"]);
    untrained
        .row(&[
            "untrained 3-layer GCN (random weights)".to_string(),
            spread(&r.untrained.untrained_gcn),
            format!("{:.3}", r.untrained.untrained_gcn.min),
        ])
        .row(&[
            "random points (chance)".to_string(),
            spread(&r.untrained.random_points),
            format!("{:.3}", r.untrained.random_points.min),
        ]);
    let mut links = Table::new(&[
        "graph",
        "held-out edges",
        "trained GAE",
        "untrained GAE",
        "common neighbours",
        "Adamic-Adar",
    ]);
    for l in &r.links {
        links.row(&[
            format!("{} ({} splits)", l.graph, l.trained_gae.runs),
            l.held_out_edges.to_string(),
            spread(&l.trained_gae),
            spread(&l.untrained_gae),
            spread(&l.common_neighbours),
            spread(&l.adamic_adar),
        ]);
    }
    let d = &r.depth;
    let mut depth = Table::new(&["layers", "plain GCN", &format!("residual (α = {})", d.residual_alpha)]);
    for row in &d.rows {
        depth.row(&[row.depth.to_string(), format!("{:.3}", row.plain), format!("{:.3}", row.residual)]);
    }
    let mut sharing = Table::new(&[
        "layers",
        "residual",
        "per-layer weights",
        "parameters",
        "one shared hidden weight",
        "parameters",
    ]);
    for s in &d.sharing {
        sharing.row(&[
            s.depth.to_string(),
            if s.residual { "yes" } else { "no" }.to_string(),
            format!("{:.3}", s.per_layer_accuracy),
            s.per_layer_parameters.to_string(),
            format!("{:.3}", s.shared_accuracy),
            s.shared_parameters.to_string(),
        ]);
    }
    format!(
        "<!-- Written by `cargo run --release -p ch02-graph-embeddings`; do not edit. -->\n\n\
         <!-- ANCHOR: settings -->\n{}<!-- ANCHOR_END: settings -->\n\n\
         <!-- ANCHOR: karate -->\n{}<!-- ANCHOR_END: karate -->\n\n\
         <!-- ANCHOR: untrained -->\n{}<!-- ANCHOR_END: untrained -->\n\n\
         <!-- ANCHOR: links -->\n{}<!-- ANCHOR_END: links -->\n\n\
         <!-- ANCHOR: planted -->\nPlanted partition: {} nodes, {} edges, {} classes, an edge inside a class with \
         probability {}, {} labelled nodes per class. An MLP on the node features alone reaches {:.3} on the \
         unlabelled nodes.\n<!-- ANCHOR_END: planted -->\n\n\
         <!-- ANCHOR: depth -->\n{}<!-- ANCHOR_END: depth -->\n\n\
         <!-- ANCHOR: plain_layers -->\n{}<!-- ANCHOR_END: plain_layers -->\n\n\
         <!-- ANCHOR: residual_layers -->\n{}<!-- ANCHOR_END: residual_layers -->\n\n\
         <!-- ANCHOR: sharing -->\n{}<!-- ANCHOR_END: sharing -->\n\n{}",
        settings.to_markdown(),
        karate.to_markdown(),
        untrained.to_markdown(),
        links.to_markdown(),
        d.nodes,
        d.edges,
        crate::supervised::PLANTED_CLASSES,
        crate::supervised::PLANTED_HOMOPHILY,
        crate::supervised::LABELLED_PER_CLASS,
        d.mlp_accuracy,
        depth.to_markdown(),
        diagnostics_table(&d.plain_layers),
        diagnostics_table(&d.residual_layers),
        sharing.to_markdown(),
        kit::claims::markdown(&r.claims),
    )
}

/// One per-layer measurement of the deepest plain and residual stacks, at init and
/// trained: four lines against the layer index (colour: the stack; dashed: trained).
fn diagnostics_chart(
    out: &Output,
    file: &str,
    title: &str,
    y_label: &str,
    d: &crate::DepthStudy,
    metric: impl Fn(&LayerDiagnostics) -> (f64, f64),
) -> anyhow::Result<kit::plot::Drawn> {
    let mut series = Vec::new();
    for (c, (name, layers)) in
        [("plain", &d.plain_layers), ("residual", &d.residual_layers)].into_iter().enumerate()
    {
        series.push(Series::new(format!("{name}, at init"), c, per_layer(layers, |l| metric(l).0)));
        series.push(Series::new(format!("{name}, trained"), c, per_layer(layers, |l| metric(l).1)).dashed());
    }
    line_chart(&out.figure(file), title, "layer (1 = nearest the input)", y_label, &series)
}

/// Write results.md, results.json and every figure into `out`.
pub fn write_outputs(r: &Report, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    let f = &r.figures;
    let factions = ["Mr. Hi's faction".to_string(), "the Officer's faction".to_string()];
    let leaders = [(0, "Mr. Hi (0)".to_string()), (33, "Officer (33)".to_string())];
    // Distances are what these plots are read for: one unit as long on both axes.
    let equal = ScatterOptions { equal_aspect: true, ..ScatterOptions::default() };
    scatter_with(
        &out.figure("karate_untrained.svg"),
        &Scatter {
            title: "Untrained 3-layer GCN: karate club",
            x_label: "output 1 (tanh)",
            y_label: "output 2 (tanh)",
            points: &r.untrained.embedding,
            classes: &f.karate_labels,
            class_names: &factions,
            labels: &leaders,
            robust: false,
            kinds: None,
        },
        &equal,
    )?;
    scatter_with(
        &out.figure("karate_gae.svg"),
        &Scatter {
            title: "Graph autoencoder: karate club",
            x_label: "principal component 1",
            y_label: "principal component 2",
            points: &f.karate_embedding,
            classes: &f.karate_labels,
            class_names: &factions,
            labels: &leaders,
            robust: false,
            kinds: None,
        },
        &equal,
    )?;
    // Les Misérables has no classes: colour by degree; name characters, best connected
    // first (the plot leaves out a name that would crowd a better-connected one).
    let bands: Vec<usize> =
        f.lesmis_degrees.iter().map(|&d| if d >= 10 { 2 } else { usize::from(d >= 4) }).collect();
    let band_names = ["degree 1-3".to_string(), "degree 4-9".to_string(), "degree 10+".to_string()];
    let mut by_degree: Vec<usize> = (0..f.lesmis_degrees.len()).collect();
    by_degree.sort_by_key(|&i| (std::cmp::Reverse(f.lesmis_degrees[i]), i));
    let named: Vec<(usize, String)> = by_degree.iter().map(|&i| (i, f.lesmis_names[i].clone())).collect();
    let lesmis = |file: &str, title: &str, robust: bool| {
        scatter_with(
            &out.figure(file),
            &Scatter {
                title,
                x_label: "principal component 1",
                y_label: "principal component 2",
                points: &f.lesmis_embedding,
                classes: &bands,
                class_names: &band_names,
                labels: &named,
                robust,
                kinds: None,
            },
            &equal,
        )
    };
    lesmis("lesmis_gae.svg", "Graph autoencoder: Les Misérables", false)?;
    lesmis("lesmis_gae_core.svg", "The same, zoomed on the bulk", true)?;
    kit::report::write_atomic(&out.figure("computation_trees.svg"), f.trees_svg.as_bytes())?;
    kit::report::write_atomic(&out.figure("karate_graph.svg"), f.karate_svg.as_bytes())?;
    if let Some(diagram) = &f.gcn_diagram {
        diagram.write(&out.figure("diagram-gcn.svg"))?;
    }
    let d = &r.depth;
    let curve =
        |f: fn(&crate::DepthRow) -> f64| d.rows.iter().map(|row| (row.depth as f64, f(row))).collect();
    let mlp = vec![(d.rows[0].depth as f64, d.mlp_accuracy), (d.deepest as f64, d.mlp_accuracy)];
    line_chart(
        &out.figure("depth_accuracy.svg"),
        "Test accuracy against depth (planted partition)",
        "GCN layers",
        "test accuracy (fraction correct)",
        &[
            Series::new("plain GCN", 0, curve(|r| r.plain)),
            Series::new(format!("residual, α = {}", d.residual_alpha), 1, curve(|r| r.residual)),
            Series::new("MLP on features", 7, mlp).dashed(),
        ],
    )?;
    let deepest = d.deepest;
    diagnostics_chart(
        out,
        "grad_norms.svg",
        &format!("Gradient reaching each layer's weight ({deepest} layers)"),
        "‖∂L/∂W‖",
        d,
        |l| (l.grad_norm_init, l.grad_norm_trained),
    )?;
    diagnostics_chart(
        out,
        "signal_norms.svg",
        &format!("Forward signal after each layer ({deepest} layers)"),
        "mean ‖h‖ over nodes",
        d,
        |l| (l.signal_norm_init, l.signal_norm_trained),
    )?;
    diagnostics_chart(
        out,
        "oversmoothing.svg",
        &format!("How alike the nodes become ({deepest} layers)"),
        "mean cosine between nodes",
        d,
        |l| (l.cosine_init, l.cosine_trained),
    )?;
    Ok(())
}
