//! A DBM's parameters under the names a PyTorch reimplementation would register (there
//! is no `nn` module for a Boltzmann machine): one `nn.ParameterDict` of biases keyed
//! by layer, one of weights keyed by edge.

use autograd::Tensor;

use super::Dbm;
use crate::model::transposed;

/// A layer's name as a key PyTorch accepts in an `nn.ParameterDict`: every character
/// other than an ASCII letter, digit or '_' becomes '_' ("image h1" -> "image_h1").
pub fn parameter_key(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

impl Dbm {
    /// The keys of the layers ([`parameter_key`] of their names), checked distinct.
    #[track_caller]
    fn keys(&self) -> Vec<String> {
        let keys: Vec<String> = self.layers.iter().map(|l| parameter_key(&l.name)).collect();
        for (i, k) in keys.iter().enumerate() {
            if let Some(j) = keys[..i].iter().position(|o| o == k) {
                panic!(
                    "Dbm: layers '{}' and '{}' share the parameter key {k:?}; give them distinct names",
                    self.layers[j].name, self.layers[i].name
                );
            }
        }
        keys
    }

    /// The parameters under the names a PyTorch reimplementation would register as
    /// `nn.Parameter`s, for the energy
    /// E(x) = Σ_{Gaussian l} ‖x_l‖²/2 − Σ_l b_l·x_l − Σ_{edges (a, b)} x_a W_ab x_b:
    ///
    /// - `biases.{layer}`: b_l, one per unit of the layer (its name as a
    ///   [`parameter_key`]: `biases.image_h1`);
    /// - `weights.{a}_to_{b}`: W_ab of the edge from layer a to layer b, in
    ///   `nn.Linear(size a, size b).weight`'s (size b, size a) layout, the transpose
    ///   of ours, so layer b's field from a is `F.linear(x_a, weights[...])`. An edge
    ///   composed from an RBM (a its visible layer, b its hidden one) keeps the RBM's
    ///   `weight` layout.
    ///
    /// Which layers are Gaussian and which edges exist are not tensors: keep them with
    /// the architecture (a checkpoint's metadata). Panics, naming them, when two layers'
    /// names give the same key. torch: `dbm.state_dict()`
    #[track_caller]
    pub fn state_dict(&self) -> Vec<(String, Tensor)> {
        let keys = self.keys();
        let mut state: Vec<(String, Tensor)> = self
            .layers
            .iter()
            .zip(&keys)
            .map(|(l, k)| (format!("biases.{k}"), Tensor::from_vec(l.bias.to_vec(), &[l.size()])))
            .collect();
        for e in &self.edges {
            state.push((format!("weights.{}_to_{}", keys[e.a], keys[e.b]), transposed(&e.weight)));
        }
        state
    }

    /// Set every bias and weight from a `state_dict` as [`Dbm::state_dict`] writes it
    /// (for a DBM of the same layers and edges): every entry present with its exact
    /// shape and nothing else, or an error naming the first entry that differs (the
    /// DBM is left unchanged). torch: `load_state_dict(strict=True)`
    #[track_caller]
    pub fn load_state_dict(&mut self, state: &[(String, Tensor)]) -> Result<(), String> {
        let sizes: Vec<String> = self.layers.iter().map(|l| l.size().to_string()).collect();
        let what = format!("DBM (layers of {} units)", sizes.join(", "));
        crate::module::check_state(&what, &self.state_dict(), state)?;
        let keys = self.keys();
        for (layer, k) in self.layers.iter_mut().zip(&keys) {
            let bias = crate::module::entry(state, &format!("biases.{k}"));
            layer.bias = Tensor::from_vec(bias.to_vec(), &[layer.size()]);
        }
        for e in self.edges.iter_mut() {
            let name = format!("weights.{}_to_{}", keys[e.a], keys[e.b]);
            e.weight = transposed(crate::module::entry(state, &name));
        }
        Ok(())
    }
}
