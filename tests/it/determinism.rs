//! Same input, same bytes, whatever the thread count.

use crate::common::{self, run};

#[test]
fn one_and_two_threads_give_identical_text_json_and_baseline() {
    // The demo at the repository root; baselines go to a temporary folder.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let text = run(root, &["check", "--no-baseline", "--threads", threads]);
        let json = run(
            root,
            &[
                "check",
                "--no-baseline",
                "--format",
                "json",
                "--threads",
                threads,
            ],
        );
        let baseline_file = out.path().join(format!("baseline-{threads}.json"));
        let init = run(
            root,
            &[
                "baseline",
                "init",
                "--baseline",
                baseline_file.to_str().unwrap(),
                "--threads",
                threads,
            ],
        );
        assert_eq!(init.code, 0, "{}", init.stderr);
        let baseline = std::fs::read(&baseline_file).unwrap();
        assert!(!text.stdout.is_empty() && !json.stdout.is_empty());
        outputs.push((text.stdout, json.stdout, baseline));
    }
    assert_eq!(outputs[0].0, outputs[1].0, "text differs");
    assert_eq!(outputs[0].1, outputs[1].1, "JSON differs");
    assert_eq!(outputs[0].2, outputs[1].2, "baseline differs");
}

#[test]
fn one_and_two_threads_give_identical_sarif_annotations_and_markdown() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let render = |threads: &str| -> Vec<String> {
        ["sarif", "github", "markdown"]
            .iter()
            .map(|format| {
                let output = run(
                    root,
                    &[
                        "check",
                        "--no-baseline",
                        "--format",
                        format,
                        "--threads",
                        threads,
                    ],
                );
                assert_eq!(output.code, 1, "{}", output.stderr);
                output.stdout
            })
            .collect()
    };
    let (one, two) = (render("1"), render("2"));
    common::valid_sarif(&one[0]);
    assert_eq!(one, two);
}
