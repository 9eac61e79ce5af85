//! `cargo run --release -p ch10-captioning [-- --quick --seed N --out DIR --export DIR --save DIR --load DIR]`

fn main() -> anyhow::Result<()> {
    kit::chapter_main(&ch10_captioning::chapter())
}
