use models::captioner::*;
use models::scenes::*;
use std::time::Instant;
fn main() {
    let steps: usize = std::env::args().nth(1).map(|s| s.parse().unwrap()).unwrap_or(200);
    let t = Instant::now();
    let train_set = ShapeScenes::generate(DATASET_SEED, Split::Train);
    let test = ShapeScenes::generate(DATASET_SEED, Split::Test);
    println!("generate {:?}", t.elapsed());
    let mut rng = autograd::seeded_rng(0);
    let mut model = Captioner::init(&mut rng);
    println!("params {}", model.num_parameters());
    let cfg = TrainConfig { steps, ..Default::default() };
    let t = Instant::now();
    let losses = train(&mut model, &train_set, &cfg, &mut rng, |s, l, _| {
        if s % 100 == 0 {
            println!("step {s} loss {l:.3} {:?}", t.elapsed())
        }
    })
    .unwrap();
    println!("train {:?} per step {:?}", t.elapsed(), t.elapsed() / steps as u32);
    let idx: Vec<usize> = (0..test.len()).collect();
    let images = autograd::Tensor::from_vec(test.inputs(&idx), &[test.len(), 3, 32, 32]);
    let t = Instant::now();
    let caps = model.greedy(&images);
    println!("greedy {:?}", t.elapsed());
    let cands: Vec<Vec<&str>> = caps.iter().map(|c| words_of(c)).collect();
    let refs: Vec<Vec<Vec<&str>>> = test.scenes.iter().map(references).collect();
    println!("bleu {:?}", corpus_bleu(&cands, &refs).bleu);
    let scores: Vec<_> = test.scenes.iter().zip(&cands).map(|(s, c)| score_caption(s, c)).collect();
    println!("{:?}", attributes(&scores));
    for c in cands.iter().take(5) {
        println!("{}", c.join(" "));
    }
    let t = Instant::now();
    let b3 = model.beam(&images, 3);
    println!("beam3 {:?}", t.elapsed());
    let c3: Vec<Vec<&str>> = b3.iter().map(|c| words_of(c)).collect();
    println!(
        "beam3 bleu {:?} same as greedy {}",
        corpus_bleu(&c3, &refs).bleu,
        c3.iter().zip(&cands).filter(|(a, b)| a == b).count()
    );
    let held = ShapeScenes::generate(DATASET_SEED, Split::Heldout);
    let images = autograd::Tensor::from_vec(held.inputs(&idx), &[held.len(), 3, 32, 32]);
    let caps = model.greedy(&images);
    let cands: Vec<Vec<&str>> = caps.iter().map(|c| words_of(c)).collect();
    let refs: Vec<Vec<Vec<&str>>> = held.scenes.iter().map(references).collect();
    println!("held bleu {:?}", corpus_bleu(&cands, &refs).bleu);
    let scores: Vec<_> = held.scenes.iter().zip(&cands).map(|(s, c)| score_caption(s, c)).collect();
    println!("{:?}", attributes(&scores));
    let n = losses.len();
    println!("last100 loss {}", losses[n.saturating_sub(100)..].iter().sum::<f32>() / 100.0);
}
