//! `--save DIR` and `--load DIR`: the trained MLP as `DIR/mlp.safetensors`, with
//! PyTorch's names and layouts (`nn.Sequential(nn.Linear, nn.ReLU, nn.Linear)`), and the
//! architecture, configuration and test accuracy in its metadata.
//! `load_checkpoint.py` beside this crate loads it with numpy (and PyTorch, if present).

use std::path::Path;

use anyhow::Context;
use kit::Claim;
use models::{Activation, Mlp};

use crate::{Config, Report};

/// The checkpoint's file name inside `--save DIR`.
pub const FILE: &str = "mlp.safetensors";

/// Write the trained model and what it takes to rebuild and check it.
pub fn save(dir: &Path, model: &Mlp, cfg: &Config, report: &Report) -> anyhow::Result<()> {
    let config = serde_json::json!({
        "epochs": cfg.epochs,
        "batch_size": cfg.batch_size,
        "optimiser": cfg.optimiser,
        "lr": cfg.lr,
        "seed": cfg.seed,
    });
    kit::checkpoint::save(
        &dir.join(FILE),
        &model.state_dict(),
        &[
            ("architecture", model.to_string()),
            ("pytorch", "torch.nn.Sequential(Linear, ReLU, Linear, ...): layer i is module 2i".into()),
            ("widths", serde_json::to_string(&model.widths())?),
            ("activation", "relu".into()),
            ("config", config.to_string()),
            ("test_accuracy", format!("{}", report.mlp.test_accuracy)),
        ],
    )
}

/// Rebuild the MLP from `dir`, evaluate it on the data in `data`, and claim that it
/// scores exactly what it scored when it was saved.
pub fn load_and_evaluate(dir: &Path, data: &Path) -> anyhow::Result<kit::Outcome> {
    let path = dir.join(FILE);
    let loaded = kit::checkpoint::load(&path)?;
    let meta = |key: &str| {
        loaded.metadata.get(key).with_context(|| format!("{}: no {key:?} in its metadata", path.display()))
    };
    let widths: Vec<usize> = serde_json::from_str(meta("widths")?).context("the widths in the metadata")?;
    anyhow::ensure!(widths.len() >= 2, "{}: widths {widths:?} describe no layer", path.display());
    let saved: f64 = meta("test_accuracy")?.parse().context("the test accuracy in the metadata")?;
    let mut model = Mlp::new(&widths, Activation::Relu, &mut autograd::seeded_rng(0));
    model.load_state_dict(&loaded.state).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let accuracy = crate::test_accuracy(&model, data)?;
    let claim = Claim::bar(
        "checkpoint_reproduces_accuracy",
        "training-an-mlp-on-handwritten-digits",
        accuracy == saved,
        "exactly the test accuracy stored in the checkpoint when it was saved",
        format!(
            "The MLP loaded from {} scores {accuracy} on the test digits; it scored {saved} when saved.",
            path.display()
        ),
    )
    .with("loaded", accuracy)
    .with("saved", saved);
    Ok(kit::Outcome {
        headline: format!("{model} loaded from {}: test accuracy {accuracy}", path.display()),
        claims: vec![claim],
    })
}
