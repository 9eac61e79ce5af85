//! Loaders: the shipped files load; bad files are reported with file, line and field.

mod common;

use common::npy;
use models::data::{data_dir, load_digits, load_split, shuffled_batches, stratified_split};

fn scratch(name: &str, contents: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("models-data-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn digits_header() -> String {
    let pixels: Vec<String> = (0..64).map(|p| format!("p{p}")).collect();
    format!("id,{},label\n", pixels.join(","))
}

#[test]
fn the_shipped_digits_and_split_load() {
    let digits = load_digits(&data_dir().join("digits.csv")).unwrap();
    assert_eq!(digits.len(), 1797);
    assert!(digits.images.iter().all(|&v| (0.0..=1.0).contains(&v)));
    let mut per_class = [0; 10];
    digits.labels.iter().for_each(|&l| per_class[l] += 1);
    assert_eq!(per_class, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180], "as data/README.md says");
    let split = load_split(&data_dir().join("pairs.csv"), &digits).unwrap();
    assert_eq!((split.train.len(), split.test.len()), (1438, 359));
}

#[test]
fn a_truncated_digits_file_is_an_error_naming_the_split_file_and_the_missing_id() {
    // digits.csv cut after its first 1000 images: pairs.csv still names the others.
    let text = std::fs::read_to_string(data_dir().join("digits.csv")).unwrap();
    let truncated: String = text.lines().take(1001).map(|l| format!("{l}\n")).collect();
    let digits = load_digits(&scratch("truncated_digits.csv", &truncated)).unwrap();
    assert_eq!(digits.len(), 1000);
    let err = load_split(&data_dir().join("pairs.csv"), &digits).unwrap_err().to_string();
    assert!(
        err.contains("pairs.csv") && err.contains("line ") && err.contains("is not in digits.csv"),
        "{err}"
    );
    assert!(err.contains("image_id 1") && err.contains("1000 images"), "{err}");
}

#[test]
fn a_split_whose_labels_disagree_with_the_images_is_an_error() {
    let digits = load_digits(&data_dir().join("digits.csv")).unwrap();
    let text = "pair_id,label,image_id,audio_id,split\n0,5,0,0,train\n1,1,1,1,test\n";
    let err = load_split(&scratch("disagree.csv", text), &digits).unwrap_err().to_string();
    assert!(
        err.contains("line 2") && err.contains("label 5 disagrees") && err.contains("image 0 is a 0"),
        "{err}"
    );
    let twice = "pair_id,label,image_id,audio_id,split\n0,0,0,0,train\n1,0,0,1,test\n";
    let err = load_split(&scratch("twice.csv", twice), &digits).unwrap_err().to_string();
    assert!(err.contains("line 3") && err.contains("image_id 0 appears twice"), "{err}");
}

#[test]
fn a_bad_pixel_names_the_file_line_and_field() {
    let mut text = digits_header();
    text += &format!("0,{},3\n", vec!["0"; 64].join(","));
    let mut row: Vec<&str> = vec!["1"; 64];
    row[7] = "x";
    text += &format!("1,{},4\n", row.join(","));
    let path = scratch("bad_pixel.csv", &text);
    let err = load_digits(&path).unwrap_err().to_string();
    assert!(
        err.contains("bad_pixel.csv")
            && err.contains("line 3")
            && err.contains("p7")
            && err.contains("\"x\""),
        "{err}"
    );
}

#[test]
fn out_of_range_values_and_short_rows_are_reported() {
    let mut text = digits_header();
    text += &format!("0,{},12\n", vec!["0"; 64].join(","));
    let err = load_digits(&scratch("bad_label.csv", &text)).unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("label 12"), "{err}");
    let mut text = digits_header();
    text += "0,1,2\n";
    let err = load_digits(&scratch("short.csv", &text)).unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("3 fields") && err.contains("66"), "{err}");
    let err = load_digits(&scratch("missing_column.csv", "id,label\n")).unwrap_err().to_string();
    assert!(err.contains("no column named \"p0\""), "{err}");
    let err = load_digits(std::path::Path::new("/no/such/digits.csv")).unwrap_err().to_string();
    assert!(err.contains("/no/such/digits.csv") && err.contains("cannot read"), "{err}");
    let digits = load_digits(&data_dir().join("digits.csv")).unwrap();
    let bad_split = "pair_id,label,image_id,audio_id,split\n0,0,0,0,valid\n";
    let err = load_split(&scratch("bad_split.csv", bad_split), &digits).unwrap_err().to_string();
    assert!(err.contains("line 2") && err.contains("\"valid\""), "{err}");
}

#[test]
fn batches_cover_every_index_once_and_depend_on_the_seed() {
    let batches = shuffled_batches(10, 4, &mut autograd::seeded_rng(1));
    assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), vec![4, 4, 2]);
    let mut all: Vec<usize> = batches.concat();
    all.sort_unstable();
    assert_eq!(all, (0..10).collect::<Vec<_>>());
    assert_eq!(batches, shuffled_batches(10, 4, &mut autograd::seeded_rng(1)));
    assert_ne!(batches, shuffled_batches(10, 4, &mut autograd::seeded_rng(2)));
}

#[test]
fn stratified_split_keeps_class_shares() {
    let labels: Vec<usize> = (0..100).map(|i| if i < 80 { 0 } else { 1 }).collect();
    let (train, test) = stratified_split(&labels, 0.25, &mut autograd::seeded_rng(0));
    assert_eq!((train.len(), test.len()), (75, 25));
    assert_eq!(test.iter().filter(|&&i| labels[i] == 1).count(), 5, "a quarter of the 20 ones");
}

#[test]
fn digits_from_npy_match_the_csv_and_bad_arrays_are_errors() {
    use models::data::load_digits_from;
    let csv = load_digits(&data_dir().join("digits.csv")).unwrap();
    let dir = std::env::temp_dir().join(format!("npy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = csv.len();
    // uint8 pixels 0..16 and int64 labels, as np.save writes them.
    let pixels: Vec<u8> = csv.images.iter().map(|&v| (v * 16.0).round() as u8).collect();
    let labels: Vec<u8> = csv.labels.iter().flat_map(|&l| (l as i64).to_le_bytes()).collect();
    std::fs::write(dir.join("digits.npy"), npy("|u1", &[n, 64], &pixels)).unwrap();
    std::fs::write(dir.join("labels.npy"), npy("<i8", &[n], &labels)).unwrap();
    let from_npy = load_digits_from(&dir).unwrap();
    assert_eq!((from_npy.images.clone(), from_npy.labels.clone()), (csv.images.clone(), csv.labels.clone()));
    // float32 pixels already in [0, 1] load the same.
    let floats: Vec<u8> = csv.images.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(dir.join("digits.npy"), npy("<f4", &[n, 64], &floats)).unwrap();
    assert_eq!(load_digits_from(&dir).unwrap().images, csv.images);
    // Wrong shape, out-of-range pixel, float labels, truncated data, not a .npy at all.
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("digits.npy", npy("|u1", &[n, 63], &pixels[..n * 63]), "expected (n, 64)"),
        ("digits.npy", npy("|u1", &[1, 64], &[17; 64]), "pixel (0, 0) = 17 is outside 0..=16"),
        ("digits.npy", npy("|u1", &[n, 64], &pixels[..100]), "damaged or truncated"),
        ("digits.npy", b"P5 not numpy".to_vec(), "not a valid .npy file"),
        ("digits.npy", npy("<c8", &[n, 64], &pixels), "dtype"),
    ];
    for (file, bytes, needle) in cases {
        std::fs::write(dir.join("digits.npy"), npy("|u1", &[n, 64], &pixels)).unwrap();
        std::fs::write(dir.join(file), bytes).unwrap();
        let err = load_digits_from(&dir).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains(file) && err.contains(needle), "{needle}: {err}");
    }
    std::fs::write(dir.join("digits.npy"), npy("|u1", &[n, 64], &pixels)).unwrap();
    let float_labels: Vec<u8> = csv.labels.iter().flat_map(|&l| (l as f64).to_le_bytes()).collect();
    std::fs::write(dir.join("labels.npy"), npy("<f8", &[n], &float_labels)).unwrap();
    let err = load_digits_from(&dir).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("labels.npy") && err.contains("integers"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_shipped_av_digits_load_and_agree_with_the_data_readme() {
    use models::data::{AvDigits, AvVariant, load_av_digits, load_spectrograms};
    for variant in [AvVariant::Noisy, AvVariant::Clean] {
        let av = load_av_digits(&data_dir(), variant).unwrap();
        assert_eq!((av.len(), av.bands, av.frames), (1797, 20, 20));
        assert_eq!((av.train.len(), av.test.len()), (1438, 359));
        assert_eq!(av.image.len(), 1797 * AvDigits::IMAGE);
        assert!(av.audio.iter().all(|&v| (0.0..=1.0).contains(&v)));
        // Every utterance used once.
        let mut ids = av.audio_id.clone();
        ids.sort_unstable();
        assert_eq!(ids, (0..1797).collect::<Vec<_>>());
    }
    // data/README.md: noisy u8 values 63..255 with mean 179.4, clean mean 150.5.
    let noisy = load_spectrograms(&data_dir().join("spoken_digits.u8")).unwrap();
    let mean = noisy.values.iter().map(|&v| v as f64 * 255.0).sum::<f64>() / noisy.values.len() as f64;
    assert!((mean - 179.4).abs() < 0.05, "{mean}");
    assert_eq!(noisy.dyn_db, 40.0);
    let clean = load_spectrograms(&data_dir().join("spoken_digits_clean.u8")).unwrap();
    assert_eq!(clean.dyn_db, 80.0);
    // Pair 0 is image 0 with utterance 127, both zeros (pairs.csv's first row).
    let av = load_av_digits(&data_dir(), AvVariant::Noisy).unwrap();
    assert_eq!((av.audio_id[0], av.labels[0]), (127, 0));
    assert_eq!(av.audio[..400], noisy.values[127 * 400..128 * 400]);
    assert!((av.image_sigma[0] - 5.036).abs() < 1e-6 && (av.audio_snr_db[0] - 2.52).abs() < 1e-6);
}

/// A scratch folder holding the shipped AV files, with `file` replaced by `bytes`.
fn av_with(file: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("models-av-{}-{file}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["digits_noisy.csv", "spoken_digits.u8", "spoken_digits_meta.csv", "pairs.csv"] {
        std::fs::copy(data_dir().join(f), dir.join(f)).unwrap();
    }
    std::fs::write(dir.join(file), bytes).unwrap();
    dir
}

#[test]
fn bad_av_files_are_errors_naming_the_file() {
    use models::data::{AvVariant, load_av_digits};
    let load = |dir: &std::path::Path| load_av_digits(dir, AvVariant::Noisy).unwrap_err().to_string();
    let spdg = std::fs::read(data_dir().join("spoken_digits.u8")).unwrap();
    // Wrong magic.
    let mut wrong = spdg.clone();
    wrong[..4].copy_from_slice(b"RIFF");
    let err = load(&av_with("spoken_digits.u8", &wrong));
    assert!(
        err.contains("spoken_digits.u8") && err.contains("must start with the 4 bytes \"SPDG\""),
        "{err}"
    );
    // A size that disagrees with the header.
    let err = load(&av_with("spoken_digits.u8", &spdg[..spdg.len() - 400]));
    assert!(
        err.contains("spoken_digits.u8") && err.contains("718424 bytes") && err.contains("1797 utterances"),
        "{err}"
    );
    // A header promising fewer utterances than pairs.csv uses: the file is then too long...
    let mut fewer = spdg.clone();
    fewer[8..12].copy_from_slice(&1000u32.to_le_bytes());
    let err = load(&av_with("spoken_digits.u8", &fewer));
    assert!(err.contains("spoken_digits.u8") && err.contains("is 718824 bytes"), "{err}");
    // ...and consistent but short: meta has more rows than the file has utterances.
    let mut short = fewer[..24 + 1000 * 400].to_vec();
    short[8..12].copy_from_slice(&1000u32.to_le_bytes());
    let err = load(&av_with("spoken_digits.u8", &short));
    assert!(
        err.contains("spoken_digits_meta.csv") && err.contains("1797 rows") && err.contains("1000"),
        "{err}"
    );
    // An audio id out of range in pairs.csv.
    let pairs = std::fs::read_to_string(data_dir().join("pairs.csv")).unwrap();
    let bad = pairs.replacen("0,0,0,127,train", "0,0,0,5000,train", 1);
    let err = load(&av_with("pairs.csv", bad.as_bytes()));
    assert!(err.contains("pairs.csv, line 2") && err.contains("audio_id 5000 is out of range"), "{err}");
    // A pair whose utterance is another digit.
    let bad = pairs.replacen("0,0,0,127,train", "0,0,0,1796,train", 1);
    let err = load(&av_with("pairs.csv", bad.as_bytes()));
    assert!(
        err.contains("pairs.csv, line 2") && (err.contains("appears twice") || err.contains("says is a")),
        "{err}"
    );
}

#[test]
fn the_shipped_clip_art_loads_and_agrees_with_the_data_readme() {
    use models::data::{load_clipart, title_words};
    let art = load_clipart(&data_dir()).unwrap();
    assert_eq!((art.len(), art.height, art.width, art.channels), (968, 32, 32, 3));
    assert_eq!(art.pixels.len(), 968 * 32 * 32 * 3);
    let mut per_class = [0usize; 16];
    art.classes.iter().for_each(|&c| per_class[c] += 1);
    // data/README.md: mammal 113, bird 44, insect 49, ..., building 67.
    assert_eq!(per_class, [113, 44, 49, 87, 63, 51, 31, 34, 44, 68, 49, 56, 43, 99, 70, 67]);
    assert_eq!((art.class_names[0].as_str(), art.class_names[15].as_str()), ("mammal", "building"));
    assert_eq!(art.titles[0], "A simple pig");
    assert_eq!(art.tags[0], ["mammal", "animal", "pig"]);
    assert_eq!(title_words("A simple pig; Angry-Monkey 2"), ["simple", "pig", "angry", "monkey"]);
}

#[test]
fn bad_clip_art_files_are_errors_naming_the_file() {
    use models::data::load_clipart;
    let dir = std::env::temp_dir().join(format!("models-clipart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(data_dir().join("clipart_meta.csv"), dir.join("clipart_meta.csv")).unwrap();
    let gz = std::fs::read(data_dir().join("clipart32.u8.gz")).unwrap();
    // A cut gzip stream.
    std::fs::write(dir.join("clipart32.u8.gz"), &gz[..gz.len() / 2]).unwrap();
    let err = load_clipart(&dir).unwrap_err().to_string();
    assert!(err.contains("clipart32.u8.gz") && err.contains("not a complete gzip file"), "{err}");
    // Not gzip at all.
    std::fs::write(dir.join("clipart32.u8.gz"), b"CLIP and nothing else").unwrap();
    let err = load_clipart(&dir).unwrap_err().to_string();
    assert!(err.contains("clipart32.u8.gz"), "{err}");
    // A meta file with a row missing.
    std::fs::write(dir.join("clipart32.u8.gz"), &gz).unwrap();
    let meta = std::fs::read_to_string(data_dir().join("clipart_meta.csv")).unwrap();
    let short: String = meta.lines().take(900).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("clipart_meta.csv"), short).unwrap();
    let err = load_clipart(&dir).unwrap_err().to_string();
    assert!(
        err.contains("clipart_meta.csv") && err.contains("899 rows") && err.contains("968 images"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
