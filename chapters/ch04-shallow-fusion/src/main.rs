//! `cargo run --release -p ch04-shallow-fusion [-- --quick --seed N --out DIR --epochs N --save DIR --load DIR]`

fn main() -> anyhow::Result<()> {
    kit::chapter_main(&ch04_shallow_fusion::chapter())
}
