//! SPEC section 3: SplitMix64, one stream per image, and `UInt[a, b]`.

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finaliser: a bijection on u64 that scatters every input bit.
pub fn mix64(z: u64) -> u64 {
    let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The initial state of the stream of one image, so any image can be drawn alone.
pub fn image_seed(dataset_seed: u64, split_id: u64, index: u64) -> u64 {
    mix64(mix64(mix64(dataset_seed) ^ split_id) ^ index)
}

/// A SplitMix64 stream.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A stream starting from `state`.
    pub fn new(state: u64) -> SplitMix64 {
        SplitMix64 { state }
    }

    /// The next 64-bit output.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix64(self.state)
    }

    /// `UInt[a, b]`: `a + (next() mod (b - a + 1))`, both ends included, no bias correction.
    #[track_caller]
    pub fn uint(&mut self, a: i64, b: i64) -> i64 {
        assert!(a <= b, "UInt[{a}, {b}]: empty range");
        a + (self.next() % (b - a + 1) as u64) as i64
    }
}
