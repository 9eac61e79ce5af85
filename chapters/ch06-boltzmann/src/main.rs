//! `cargo run --release -p ch06-boltzmann [-- --quick --seed N --out DIR --epochs N]`

fn main() -> anyhow::Result<()> {
    kit::chapter_main(&ch06_boltzmann::chapter())
}
