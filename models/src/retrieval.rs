//! Cross-modal retrieval: rank a gallery of one modality by cosine similarity to each
//! query of the other, and score the ranking by label (precision@k) and by the exact
//! partner (recall@k).

/// Retrieval scores, averaged over the queries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Retrieval {
    /// Fraction of the top k gallery items with the query's label.
    pub precision_at_k: f64,
    /// Fraction of queries whose own partner (gallery item i for query i) is in the top k.
    pub recall_at_k: f64,
    /// Fraction of queries whose partner is ranked first.
    pub recall_at_1: f64,
}

/// Rows scaled to unit length (a zero row stays zero).
pub fn normalise_rows(x: &[f32], dim: usize) -> Vec<f32> {
    x.chunks_exact(dim)
        .flat_map(|row| {
            let norm = row.iter().map(|v| v * v).sum::<f32>().sqrt();
            let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
            row.iter().map(move |v| v * scale)
        })
        .collect()
}

/// For each query (row of `queries`), the gallery indices sorted by cosine
/// similarity, most similar first (ties keep gallery order).
pub fn rank_gallery(queries: &[f32], gallery: &[f32], dim: usize) -> Vec<Vec<usize>> {
    let (q, g) = (normalise_rows(queries, dim), normalise_rows(gallery, dim));
    q.chunks_exact(dim)
        .map(|query| {
            let scores: Vec<f32> =
                g.chunks_exact(dim).map(|item| item.iter().zip(query).map(|(a, b)| a * b).sum()).collect();
            let mut order: Vec<usize> = (0..scores.len()).collect();
            order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
            order
        })
        .collect()
}

/// Score retrieval from `queries` (n, dim) into `gallery` (m, dim) by cosine
/// similarity: query i's partner is gallery item i (so `m >= n`), and a retrieved item
/// is relevant when its label equals the query's.
#[track_caller]
pub fn retrieval(
    queries: &[f32],
    gallery: &[f32],
    dim: usize,
    query_labels: &[usize],
    gallery_labels: &[usize],
    k: usize,
) -> Retrieval {
    let n = queries.len() / dim;
    assert!(
        n == query_labels.len() && gallery.len() / dim == gallery_labels.len() && gallery_labels.len() >= n,
        "retrieval: {n} queries with {} labels, {} gallery items with {} labels",
        query_labels.len(),
        gallery.len() / dim,
        gallery_labels.len()
    );
    let (mut precision, mut recall, mut first) = (0.0, 0.0, 0.0);
    for (i, order) in rank_gallery(queries, gallery, dim).iter().enumerate() {
        let top = &order[..k.min(order.len())];
        precision +=
            top.iter().filter(|&&j| gallery_labels[j] == query_labels[i]).count() as f64 / top.len() as f64;
        recall += f64::from(u8::from(top.contains(&i)));
        first += f64::from(u8::from(order[0] == i));
    }
    let n = n.max(1) as f64;
    Retrieval { precision_at_k: precision / n, recall_at_k: recall / n, recall_at_1: first / n }
}

// ANCHOR: average_precision
/// Average precision of one ranking: the mean, over the relevant items, of the
/// precision of the ranking cut just below each of them,
///   AP = (1/R) Σ_k rel(k) · P@k.
/// A query with no relevant item scores 0.
pub fn average_precision(order: &[usize], relevant: impl Fn(usize) -> bool) -> f64 {
    let (mut hits, mut sum) = (0usize, 0.0);
    for (k, &item) in order.iter().enumerate() {
        if relevant(item) {
            hits += 1;
            sum += hits as f64 / (k + 1) as f64;
        }
    }
    if hits == 0 { 0.0 } else { sum / hits as f64 }
}
// ANCHOR_END: average_precision

/// Mean average precision of retrieval from `queries` (n, dim) into `gallery` (m, dim)
/// by cosine similarity, a gallery item being relevant when its label equals the
/// query's. Tied scores keep gallery order, so shuffle a gallery sorted by label.
#[track_caller]
pub fn mean_average_precision(
    queries: &[f32],
    gallery: &[f32],
    dim: usize,
    query_labels: &[usize],
    gallery_labels: &[usize],
) -> f64 {
    assert!(
        dim > 0 && queries.len() == query_labels.len() * dim && gallery.len() == gallery_labels.len() * dim,
        "mean_average_precision: {} query values for {} labels and {} gallery values for {} labels, at width {dim}",
        queries.len(),
        query_labels.len(),
        gallery.len(),
        gallery_labels.len()
    );
    let orders = rank_gallery(queries, gallery, dim);
    let total: f64 = orders
        .iter()
        .zip(query_labels)
        .map(|(order, &label)| average_precision(order, |j| gallery_labels[j] == label))
        .sum();
    total / orders.len().max(1) as f64
}

/// The expected average precision of a uniformly random ranking of `n` items of which
/// `r` are relevant: with H_n = 1 + 1/2 + ... + 1/n,
///   `E(AP) = (1/n) (H_n + (r - 1)/(n - 1) · (n - H_n))`,
/// since `E(rel(k) · P@k) = (r/n) (1 + (k - 1)(r - 1)/(n - 1)) / k`.
pub fn chance_average_precision(n: usize, r: usize) -> f64 {
    assert!(r <= n, "chance_average_precision: {r} relevant items among {n}");
    if r == 0 {
        return 0.0;
    }
    if n == 1 {
        return 1.0;
    }
    let h: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
    let n = n as f64;
    (h + (r as f64 - 1.0) / (n - 1.0) * (n - h)) / n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_ranked_example() {
        // Two queries along x and y; the gallery holds y, x, and a diagonal.
        let queries = [1.0, 0.0, 0.0, 2.0];
        let gallery = [0.0, 1.0, 3.0, 0.1, 1.0, 1.0];
        assert_eq!(rank_gallery(&queries, &gallery, 2), vec![vec![1, 2, 0], vec![0, 2, 1]]);
        // Labels: query 0 is a "0", query 1 a "1"; gallery 0 is a "1", 1 a "0", 2 a "1".
        let r = retrieval(&queries, &gallery, 2, &[0, 1], &[1, 0, 1], 2);
        assert_eq!(r.precision_at_k, 0.75); // query 0: {1 ✓, 2 ✗}; query 1: {0 ✓, 2 ✓}
        assert_eq!(r.recall_at_k, 0.0); // query 0's partner (0) is third; query 1's (1) is third
        assert_eq!(r.recall_at_1, 0.0);
        assert_eq!(retrieval(&queries, &gallery, 2, &[0, 1], &[1, 0, 1], 3).recall_at_k, 1.0);
        // Query i's partner ranked first: recall@1 = 1.
        assert_eq!(retrieval(&gallery[2..4], &gallery[2..4], 2, &[0], &[0], 1).recall_at_1, 1.0);
    }

    #[test]
    fn average_precision_by_hand() {
        // Relevant items at ranks 1, 3 and 6: AP = (1/1 + 2/3 + 3/6) / 3.
        let order = [4, 0, 5, 1, 2, 3];
        let relevant = |j: usize| j == 4 || j == 5 || j == 3;
        assert!((average_precision(&order, relevant) - (1.0 + 2.0 / 3.0 + 0.5) / 3.0).abs() < 1e-12);
        assert_eq!(average_precision(&order, |_| false), 0.0);
        assert_eq!(average_precision(&order, |_| true), 1.0);
    }

    #[test]
    fn map_of_a_hand_ranked_gallery() {
        // Same two queries and gallery as above: query 0 ranks [1, 2, 0], query 1 [0, 2, 1].
        let queries = [1.0, 0.0, 0.0, 2.0];
        let gallery = [0.0, 1.0, 3.0, 0.1, 1.0, 1.0];
        // Gallery labels 1, 0, 1. Query 0 (label 0): relevant {1} at rank 1, AP 1.
        // Query 1 (label 1): relevant {0, 2} at ranks 1, 2, AP 1. Swap the labels to get
        // query 0 (label 1): {0, 2} at ranks 3 and 2: (1/2 + 2/3) / 2.
        assert_eq!(mean_average_precision(&queries, &gallery, 2, &[0, 1], &[1, 0, 1]), 1.0);
        let swapped = mean_average_precision(&queries, &gallery, 2, &[1, 0], &[1, 0, 1]);
        assert!((swapped - ((0.5 + 2.0 / 3.0) / 2.0 + 1.0 / 3.0) / 2.0).abs() < 1e-12);
    }

    #[test]
    #[should_panic(expected = "mean_average_precision: 4 query values for 3 labels")]
    fn map_rejects_mismatched_labels() {
        mean_average_precision(&[0.0; 4], &[0.0; 4], 2, &[0, 1, 2], &[0, 1]);
    }

    #[test]
    fn chance_matches_shuffling() {
        use rand::seq::SliceRandom;
        let mut rng = autograd::seeded_rng(3);
        for (n, r) in [(10, 1), (10, 3), (40, 7), (5, 5)] {
            let mut order: Vec<usize> = (0..n).collect();
            let trials = 40_000;
            let mean = (0..trials)
                .map(|_| {
                    order.shuffle(&mut rng);
                    average_precision(&order, |j| j < r)
                })
                .sum::<f64>()
                / trials as f64;
            let exact = chance_average_precision(n, r);
            assert!((mean - exact).abs() < 4e-3, "n {n}, r {r}: shuffled {mean}, formula {exact}");
        }
        // One relevant item among n: E[1/rank] = H_n / n.
        assert!((chance_average_precision(4, 1) - (1.0 + 0.5 + 1.0 / 3.0 + 0.25) / 4.0).abs() < 1e-12);
    }
}
