use super::*;

fn small() -> Diagram {
    let mut d = Diagram::new("Two encoders, one loss");
    d.add(Node::new("img", Kind::Image, (0.0, 0.0), "image x").dims(&[784]));
    d.add(Node::new("aud", Kind::Audio, (0.0, 1.0), "audio y").dims(&[100]).look(Look::Zeroed));
    d.add(Node::new("f", Kind::Image, (1.5, 0.0), "f(x)").dims(&[32]));
    d.add(Node::new("g", Kind::Audio, (1.5, 1.0), "g(y)").dims(&[32]).look(Look::Clamped));
    d.add(Node::op("dot", (2.5, 0.5), "·"));
    d.link("img", "f", Link::Flow).link("aud", "g", Link::Flow);
    d.link_labelled("f", "g", Link::Loss, "similarity, λ");
    d.link("f", "dot", Link::Undirected).link_via("g", "dot", Link::Flow, &[(2.5, 1.0)]);
    d.group("encoders", &["f", "g"]);
    d.note((0.75, -0.6), "inputs");
    d
}

#[test]
fn every_size_is_printed_and_recorded() {
    let d = small();
    assert_eq!(d.dims("img"), Some(&[784][..]));
    assert_eq!(d.dims("dot"), Some(&[][..]));
    assert_eq!(d.dims("nope"), None);
    assert_eq!(d.all_dims().len(), 4);
    let svg = d.svg().unwrap();
    for text in
        ["784", "100", "32", "image x", "similarity, λ", "encoders", "inputs", "Two encoders, one loss"]
    {
        assert!(svg.contains(&format!(">{}<", escape(text))), "{text} missing from {svg}");
    }
}

#[test]
fn each_link_and_look_has_its_own_stroke() {
    let svg = small().svg().unwrap();
    // Three flows end in an arrow; the loss is dashed; the undirected edge is plain.
    assert_eq!(svg.matches("marker-end").count(), 3);
    assert_eq!(svg.matches(r#"stroke-dasharray="6 4""#).count(), 1);
    assert_eq!(svg.matches(r#"stroke-width="1.8""#).count(), 1);
    // The zeroed input's outline is dashed grey; the clamped layer's is thick.
    assert_eq!(svg.matches(r#"stroke-dasharray="4 3""#).count(), 1);
    assert_eq!(svg.matches(r#"stroke-width="3""#).count(), 1);
    assert_eq!(svg.matches("<circle").count(), 1);
}

#[test]
fn the_same_diagram_writes_the_same_bytes() {
    assert_eq!(small().svg().unwrap(), small().svg().unwrap());
}

#[test]
fn a_link_to_a_missing_box_is_named() {
    let mut d = small();
    d.link("img", "decoder", Link::Flow);
    let err = d.svg().unwrap_err().to_string();
    assert!(err.contains("'decoder'") && err.contains("never added"), "{err}");
    let mut d = small();
    d.group("decoders", &["h"]);
    let err = d.svg().unwrap_err().to_string();
    assert!(err.contains("frame 'decoders'") && err.contains("'h'"), "{err}");
}

#[test]
fn a_diagram_wider_than_the_column_is_refused() {
    let mut d = Diagram::new("wide");
    d.add(Node::new("a", Kind::Text, (0.0, 0.0), "a"));
    d.add(Node::new("b", Kind::Text, (6.0, 0.0), "b"));
    let err = d.svg().unwrap_err().to_string();
    assert!(err.contains("wider") || err.contains("more than the book's column"), "{err}");
    assert!(d.spacing(100.0, 80.0).svg().is_ok());
}

#[test]
#[should_panic(expected = "two boxes named 'a'")]
fn two_boxes_with_one_name_panic() {
    let mut d = Diagram::new("t");
    d.add(Node::new("a", Kind::Text, (0.0, 0.0), "a"));
    d.add(Node::new("a", Kind::Text, (1.0, 0.0), "a"));
}

#[test]
fn links_start_and_end_on_the_outlines() {
    let mut d = Diagram::new("");
    d.add(Node::new("a", Kind::Other, (0.0, 0.0), "a").sized(60.0, 40.0));
    d.add(Node::new("b", Kind::Other, (2.0, 0.0), "b").sized(60.0, 40.0));
    d.link("a", "b", Link::Undirected);
    let svg = d.svg().unwrap();
    // a spans x 10..70 and b 310..370 (columns 150 px apart), both centred at y 30.
    assert!(svg.contains(r#"points="70.0,30.0 310.0,30.0""#), "{svg}");
}

#[test]
fn a_bend_outside_every_box_widens_the_drawing() {
    let mut d = Diagram::new("");
    d.add(Node::new("a", Kind::Other, (0.0, 0.0), "a").sized(60.0, 40.0));
    d.add(Node::new("b", Kind::Other, (0.0, 1.0), "b").sized(60.0, 40.0));
    d.link_via("a", "b", Link::Flow, &[(-1.0, 0.0), (-1.0, 1.0)]);
    let svg = d.svg().unwrap();
    // The bend at column -1, 150 px left of the boxes' centres, sits 2 px inside the
    // margin: the drawing is 10 + 2 + 150 + 30 + 10 px wide.
    assert!(svg.starts_with(r#"<svg width="202""#), "{svg}");
    assert!(svg.contains(r#"points="132.0,30.0 12.0,30.0 12.0,110.0"#), "{svg}");
}

#[test]
fn check_dims_names_each_difference() {
    let d = small();
    let own = |id: &str, dims: &[usize]| (id.to_string(), dims.to_vec());
    let right = [own("img", &[784]), own("aud", &[100]), own("f", &[32]), own("g", &[32])];
    assert_eq!(d.check_dims(&right), Ok(()));
    let wrong = [own("img", &[784]), own("aud", &[99]), own("f", &[32]), own("h", &[8])];
    let err = d.check_dims(&wrong).unwrap_err();
    assert!(err.contains("box 'aud' prints [100], the model has [99]"), "{err}");
    assert!(err.contains("box 'h' ([8]) is not drawn"), "{err}");
    assert!(err.contains("box 'g' prints [32], which the model does not have"), "{err}");
}
