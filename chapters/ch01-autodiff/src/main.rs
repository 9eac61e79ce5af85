//! `cargo run --release -p ch01-autodiff [-- --quick --seed N --out DIR --epochs N]`

fn main() -> anyhow::Result<()> {
    kit::chapter_main(&ch01_autodiff::chapter())
}
