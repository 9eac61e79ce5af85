//! `cargo run --release -p ch11-multimodal-lstm [-- --quick --seed N --out DIR --save DIR | --load DIR | --export DIR | --data DIR --out DIR]`

fn main() -> anyhow::Result<()> {
    kit::chapter_main(&ch11_multimodal_lstm::chapter())
}
