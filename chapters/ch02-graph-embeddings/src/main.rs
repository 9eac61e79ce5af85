//! `cargo run --release -p ch02-graph-embeddings [-- --quick --seed N --out DIR --epochs N]`

fn main() -> anyhow::Result<()> {
    kit::chapter_main(&ch02_graph_embeddings::chapter())
}
