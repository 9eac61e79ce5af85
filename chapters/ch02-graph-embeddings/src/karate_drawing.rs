//! The karate club drawn as a network (a force-directed layout), each member coloured
//! by faction, the two leaders marked: the graph the chapter's experiments read.

use std::fmt::Write as _;

use models::graph::Graph;

/// Fruchterman-Reingold layout in the unit square: every pair repels, every edge
/// attracts, the step cools; deterministic (it starts from a circle).
fn layout(graph: &Graph) -> Vec<(f64, f64)> {
    let n = graph.n;
    let mut p: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            (0.5 + 0.4 * a.cos(), 0.5 + 0.4 * a.sin())
        })
        .collect();
    let k = (1.0 / n as f64).sqrt();
    let mut step = 0.1;
    for _ in 0..400 {
        let mut d = vec![(0.0f64, 0.0f64); n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let (dx, dy) = (p[i].0 - p[j].0, p[i].1 - p[j].1);
                    let r = dx.hypot(dy).max(1e-6);
                    let f = k * k / r;
                    d[i].0 += dx / r * f;
                    d[i].1 += dy / r * f;
                }
            }
        }
        for &(u, v) in &graph.edges {
            let (dx, dy) = (p[u].0 - p[v].0, p[u].1 - p[v].1);
            let r = dx.hypot(dy).max(1e-6);
            let f = r * r / k;
            d[u].0 -= dx / r * f;
            d[u].1 -= dy / r * f;
            d[v].0 += dx / r * f;
            d[v].1 += dy / r * f;
        }
        for i in 0..n {
            let len = d[i].0.hypot(d[i].1).max(1e-9);
            p[i].0 += d[i].0 / len * len.min(step);
            p[i].1 += d[i].1 / len * len.min(step);
        }
        step *= 0.99;
    }
    // Rescale to the unit square.
    let (x0, x1) = p.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, q| (a.0.min(q.0), a.1.max(q.0)));
    let (y0, y1) = p.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, q| (a.0.min(q.1), a.1.max(q.1)));
    p.iter().map(|q| ((q.0 - x0) / (x1 - x0).max(1e-9), (q.1 - y0) / (y1 - y0).max(1e-9))).collect()
}

/// The karate club as an SVG: edges, members numbered and coloured by faction, the
/// leaders (0 and 33) ringed and named.
pub fn karate_svg(graph: &Graph, leaders: [usize; 2]) -> String {
    let (w, h, pad) = (700.0, 450.0, 30.0);
    // Below the title and the legend (which end at y = 48), clear of a node's radius.
    let top = 66.0;
    let at = |q: (f64, f64)| (pad + q.0 * (w - 2.0 * pad), top + q.1 * (h - top - pad));
    let p: Vec<(f64, f64)> = layout(graph).into_iter().map(at).collect();
    let labels = graph.labels.clone().unwrap_or_else(|| vec![0; graph.n]);
    let colours = ["#1f77b4", "#ff7f0e"];
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<text x=\"{:.1}\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\
         Zachary's karate club: {} members, {} friendships</text>",
        w / 2.0,
        graph.n,
        graph.edges.len()
    );
    for (k, name) in ["Mr. Hi's faction", "the Officer's faction"].iter().enumerate() {
        let y = 44.0 + 0.0 * k as f64;
        let x = 20.0 + 200.0 * k as f64;
        let _ = writeln!(
            body,
            "<circle cx=\"{x:.1}\" cy=\"{:.1}\" r=\"6\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" \
             font-size=\"13\">{name}</text>",
            y - 4.0,
            colours[k],
            x + 10.0,
            y
        );
    }
    for &(u, v) in &graph.edges {
        let _ = writeln!(
            body,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#bbb\"/>",
            p[u].0, p[u].1, p[v].0, p[v].1
        );
    }
    for (i, q) in p.iter().enumerate() {
        let leader = leaders.contains(&i);
        let _ = writeln!(
            body,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{}\" fill=\"{}\" stroke=\"#111\" stroke-width=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"white\">{i}</text>",
            q.0,
            q.1,
            if leader { 15 } else { 12 },
            colours[labels[i].min(1)],
            if leader { 3 } else { 1 },
            q.0,
            q.1 + 4.3
        );
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" \
         font-family=\"DejaVu Sans, sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{body}</svg>\n"
    )
}
