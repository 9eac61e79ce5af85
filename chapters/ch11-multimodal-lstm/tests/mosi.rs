//! The chapter on CMU-MOSI's features: chapter 7's small test pickle (widths 9/4/6),
//! converted and run quick (`kit::mosi_check`; needs python3 with numpy).

#[test]
fn a_converted_pickle_runs_quick() {
    kit::mosi_check::check_runs_on_converted_pickle(
        &ch11_multimodal_lstm::chapter(),
        &ch11_multimodal_lstm::MOSI_CLAIMS,
    );
}
