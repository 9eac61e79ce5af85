//! `cargo run --release -p ch09-low-rank-fusion [-- --quick --seed N --out DIR --export DIR | --data DIR --out DIR]`

fn main() -> anyhow::Result<()> {
    kit::chapter_main(&ch09_low_rank_fusion::chapter())
}
