//! `cargo run --release -p ch08-bilinear-pooling [-- --quick --seed N --out DIR --export DIR | --data DIR --out DIR]`

fn main() -> anyhow::Result<()> {
    kit::chapter_main(&ch08_bilinear_pooling::chapter())
}
