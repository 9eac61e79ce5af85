//! `cargo run --release -p ch07-supervised-fusion [-- --quick --seed N --out DIR --export DIR | --data DIR --out DIR]`

fn main() -> anyhow::Result<()> {
    kit::chapter_main(&ch07_supervised_fusion::chapter())
}
