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
}
