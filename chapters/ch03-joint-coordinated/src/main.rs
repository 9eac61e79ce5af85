//! `cargo run --release -p ch03-joint-coordinated [-- --quick --clean --seed N --out DIR --epochs N --save DIR --load DIR]`

fn main() -> anyhow::Result<()> {
    kit::chapter_main(&ch03_joint_coordinated::chapter())
}
