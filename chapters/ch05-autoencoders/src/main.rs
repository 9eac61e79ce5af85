//! `cargo run --release -p ch05-autoencoders [-- --quick --clean --seed N --out DIR --epochs N]`

fn main() -> anyhow::Result<()> {
    kit::chapter_main(&ch05_autoencoders::chapter())
}
