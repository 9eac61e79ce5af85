//! What the lecture says, statement by statement, in its order: the statements a
//! chapter tests with a [`Claim::lecture`](crate::Claim::lecture). Each is the course
//! notes' point in English (the notes are in Korean; `korean` is their term for it,
//! as the glossary lists it). The claims page lists these, and only these, as "what
//! the lecture claims", each with the chapters' verdicts.

/// One statement of the lecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement {
    /// Short, stable, `snake_case`; what a claim refers to.
    pub id: &'static str,
    /// The chapter (crate name) whose page tests it.
    pub chapter: &'static str,
    /// The course notes' term for the subject, in Korean.
    pub korean: &'static str,
    /// The statement, in English.
    pub english: &'static str,
}

/// Every statement of the lecture that a chapter tests, in the lecture's order.
pub const STATEMENTS: &[Statement] = &[
    Statement {
        id: "gcn_aggregation",
        chapter: "ch02-graph-embeddings",
        korean: "이웃 집계",
        english: "A graph network computes a node's embedding by aggregating its neighbours' embeddings, \
                  recursively, layer by layer, with parameters that are not shared between layers; trained \
                  with labels on some nodes, it classifies the others.",
    },
    Statement {
        id: "gcn_unsupervised",
        chapter: "ch02-graph-embeddings",
        korean: "비지도 학습",
        english: "Without labels, node embeddings can be learned so that connected nodes end up close together.",
    },
    Statement {
        id: "gcn_depth",
        chapter: "ch02-graph-embeddings",
        korean: "기울기 소실",
        english: "Deep stacks of graph layers suffer from vanishing gradients.",
    },
    Statement {
        id: "joint_needs_both",
        chapter: "ch03-joint-coordinated",
        korean: "결합 표현",
        english: "A joint representation projects every modality into one space: it fuses the modalities \
                  for a prediction, but it needs them all to be present.",
    },
    Statement {
        id: "coordinated_retrieves",
        chapter: "ch03-joint-coordinated",
        korean: "조정 표현",
        english: "A coordinated representation gives each modality its own space, tied to the others by a \
                  similarity constraint: each modality is represented alone, and one can retrieve the other.",
    },
    Statement {
        id: "coordination_strength",
        chapter: "ch03-joint-coordinated",
        korean: "약한 조정 / 강한 조정",
        english: "Coordination runs from weak (separate spaces) to strong (close to one space).",
    },
    Statement {
        id: "shallow_cannot_capture",
        chapter: "ch04-shallow-fusion",
        korean: "얕은 연결",
        english: "Shallow representations, such as the concatenation of the modalities' inputs, do not capture \
                  complex relationships between the modalities.",
    },
    Statement {
        id: "bimodal_autoencoder_transfer",
        chapter: "ch05-autoencoders",
        korean: "양방향(바이모달) 심층 오토인코더",
        english: "A bimodal deep autoencoder, trained with one modality at a time zeroed, learns a shared code \
                  that one modality alone can produce: it supports cross-modality transfer and filling in \
                  a missing modality.",
    },
    Statement {
        id: "dbm_joint_layer_best",
        chapter: "ch06-boltzmann",
        korean: "심층 볼츠만 머신",
        english: "In the multimodal deep Boltzmann machine, a generative model trained by variational \
                  approaches, the joint hidden layer was the most accurate representation.",
    },
    Statement {
        id: "dbm_tagging_retrieval",
        chapter: "ch06-boltzmann",
        korean: "교차 미디어 검색",
        english: "The multimodal deep Boltzmann machine is used for image tagging and cross-media retrieval.",
    },
    Statement {
        id: "more_modalities_help",
        chapter: "ch07-supervised-fusion",
        korean: "지도 융합",
        english: "For a supervised task, fusing more modalities helps: bimodal models beat unimodal ones, and \
                  trimodal models beat bimodal ones.",
    },
    Statement {
        id: "tensor_fusion_interactions",
        chapter: "ch08-bilinear-pooling",
        korean: "텐서 융합",
        english: "The outer product of the modalities' vectors, each with a 1 appended, keeps the unimodal, \
                  bimodal and trimodal interactions in one tensor, which a fusion by concatenation cannot \
                  express.",
    },
    Statement {
        id: "low_rank_fusion",
        chapter: "ch09-low-rank-fusion",
        korean: "저랭크 융합",
        english: "Decomposing the weight into rank-one factors and rearranging the computation gives the \
                  tensor-fusion model with far fewer parameters, computed faster.",
    },
    Statement {
        id: "encoder_decoder",
        chapter: "ch10-captioning",
        korean: "인코더-디코더",
        english: "A CNN encodes the image, an MLP translates its code into the language model's starting \
                  state, and an LSTM decodes it into a caption.",
    },
];

/// The statement with this id; a programmer error (a panic naming it) if there is none.
#[track_caller]
pub fn statement(id: &str) -> &'static Statement {
    STATEMENTS.iter().find(|s| s.id == id).unwrap_or_else(|| {
        panic!(
            "no lecture statement `{id}` in kit::lecture::STATEMENTS (known: {})",
            STATEMENTS.iter().map(|s| s.id).collect::<Vec<_>>().join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_found() {
        for (i, s) in STATEMENTS.iter().enumerate() {
            assert!(STATEMENTS[..i].iter().all(|t| t.id != s.id), "{} twice", s.id);
            assert_eq!(statement(s.id), s);
        }
    }

    #[test]
    #[should_panic(expected = "no lecture statement `made_up`")]
    fn an_unknown_id_is_named() {
        statement("made_up");
    }
}
