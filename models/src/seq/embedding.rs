//! `Embedding`: a table of learnt vectors, one row per token id.

use autograd::{Parameter, Rng, Tensor};

/// Row `id` of a (vocabulary, dim) table for every id. torch: `nn.Embedding`
pub struct Embedding {
    /// (vocabulary, dim).
    pub weight: Parameter,
}

impl Embedding {
    /// From a given table.
    pub fn new(weight: Tensor) -> Embedding {
        let _ = weight.dims2();
        Embedding { weight: Parameter::new("weight", weight) }
    }

    /// Rows drawn from N(0, 1), as PyTorch initialises them.
    pub fn randn(vocabulary: usize, dim: usize, rng: &mut Rng) -> Embedding {
        Embedding::new(Tensor::randn(&[vocabulary, dim], 0.0, 1.0, rng))
    }

    /// The vocabulary size.
    pub fn vocabulary(&self) -> usize {
        self.weight.shape()[0]
    }

    /// The vectors' width.
    pub fn dim(&self) -> usize {
        self.weight.shape()[1]
    }

    /// (ids.len(), dim): the rows of `ids`, in order. The gradient of a row used twice
    /// is the sum of both uses. Panics naming the first id past the vocabulary.
    #[track_caller]
    pub fn forward(&self, ids: &[usize]) -> Tensor {
        if let Some(bad) = ids.iter().find(|&&id| id >= self.vocabulary()) {
            panic!("Embedding::forward: token id {bad} outside a vocabulary of {}", self.vocabulary());
        }
        self.weight.tensor().index_select(0, ids)
    }

    /// The parameter, for optimisers.
    pub fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        vec![&mut self.weight]
    }

    /// The parameter.
    pub fn parameters(&self) -> Vec<&Parameter> {
        vec![&self.weight]
    }
}
