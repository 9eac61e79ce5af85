//! SPEC section 7: the vocabulary, the captions a scene has, the training token
//! sequences, and the grammar that parses a generated caption back into objects.

use super::scene::{COLOURS, Object, RELATIONS, SHAPES, SIZES, Scene, inverse};

/// Token ids: 0 `<pad>`, 1 `<bos>`, 2 `<eos>`, then the 17 words.
pub const VOCAB: [&str; 20] = [
    "<pad>", "<bos>", "<eos>", "a", "small", "large", "red", "green", "blue", "yellow", "white", "square",
    "circle", "triangle", "cross", "left", "right", "of", "above", "below",
];
/// Padding, ignored by the loss.
pub const PAD: usize = 0;
/// Start of a caption: the decoder's first input.
pub const BOS: usize = 1;
/// End of a caption.
pub const EOS: usize = 2;
/// Length of the padded input and target sequences (10 words + `<bos>` or `<eos>`).
pub const SEQ_LEN: usize = 11;
/// A decoder stops after this many generated tokens.
pub const MAX_GENERATED: usize = 12;

/// The id of a word of the vocabulary.
#[track_caller]
pub fn token(word: &str) -> usize {
    VOCAB.iter().position(|w| *w == word).unwrap_or_else(|| panic!("'{word}' is not in the vocabulary"))
}

/// `a SIZE COLOUR SHAPE`.
fn phrase(object: &Object) -> Vec<&'static str> {
    vec!["a", SIZES[object.size], COLOURS[object.colour], SHAPES[object.shape]]
}

/// The references of a scene as words: one for one shape; for two, the canonical
/// caption (left or upper shape first, the training target) and then the other.
pub fn references(scene: &Scene) -> Vec<Vec<&'static str>> {
    let Some(rel) = scene.rel else { return vec![phrase(&scene.objects[0])] };
    let (o0, o1) = (&scene.objects[0], &scene.objects[1]);
    let say = |first: &Object, r: usize, second: &Object| {
        let mut words = phrase(first);
        words.extend(RELATIONS[r].split(' '));
        words.extend(phrase(second));
        words
    };
    let (a, b) = (say(o0, rel, o1), say(o1, inverse(rel), o0));
    if rel == 0 || rel == 2 { vec![a, b] } else { vec![b, a] }
}

/// The canonical caption, words joined by spaces.
pub fn canonical(scene: &Scene) -> String {
    references(scene)[0].join(" ")
}

/// Teacher forcing: input `<bos> w1 .. wn` and target `w1 .. wn <eos>`, each padded to
/// `SEQ_LEN` with `<pad>`.
pub fn training_tokens(scene: &Scene) -> ([usize; SEQ_LEN], [usize; SEQ_LEN]) {
    let words = &references(scene)[0];
    let (mut input, mut target) = ([PAD; SEQ_LEN], [PAD; SEQ_LEN]);
    input[0] = BOS;
    for (t, w) in words.iter().enumerate() {
        input[t + 1] = token(w);
        target[t] = token(w);
    }
    target[words.len()] = EOS;
    (input, target)
}

/// The words of generated tokens: up to the first `<eos>`, special tokens dropped.
pub fn words_of(tokens: &[usize]) -> Vec<&'static str> {
    tokens.iter().take_while(|&&t| t != EOS).filter(|&&t| t > EOS).map(|&t| VOCAB[t]).collect()
}

/// An object as a caption states it: (size, colour, shape).
pub type Stated = (usize, usize, usize);

/// A caption parsed by the grammar `obj | obj rel obj`, `obj := a SIZE COLOUR SHAPE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// One or two stated objects.
    pub objects: Vec<Stated>,
    /// The stated relation of the first to the second.
    pub rel: Option<usize>,
}

/// Parse a caption's words; `None` when it is not in the grammar.
pub fn parse(words: &[&str]) -> Option<Parsed> {
    let object = |w: &[&str]| -> Option<Stated> {
        if w.len() != 4 || w[0] != "a" {
            return None;
        }
        let find = |names: &[&str], word: &str| names.iter().position(|n| *n == word);
        Some((find(&SIZES, w[1])?, find(&COLOURS, w[2])?, find(&SHAPES, w[3])?))
    };
    if words.len() == 4 {
        return Some(Parsed { objects: vec![object(words)?], rel: None });
    }
    let first = object(words.get(..4)?)?;
    let (rel, rest) = match words.get(4..)? {
        ["left", "of", rest @ ..] => (0, rest),
        ["right", "of", rest @ ..] => (1, rest),
        ["above", rest @ ..] => (2, rest),
        ["below", rest @ ..] => (3, rest),
        _ => return None,
    };
    Some(Parsed { objects: vec![first, object(rest)?], rel: Some(rel) })
}
