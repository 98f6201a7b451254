//! The parse floor: what any tool built on ruff's parser pays at least. It
//! walks the folders given (as gate does: parallel, `.gitignore` honoured,
//! hidden entries skipped), reads each `*.py` file and parses it with
//! `ruff_python_parser`, then drops the tree: no facts, no graph, no rules.
//! gate's cold run is compared with it in bench/RESULTS.md.
//!
//!   cargo build --release --example parse-floor
//!   target/release/examples/parse-floor DIR... [--threads N]
//!
//! An example rather than a binary or a bench target, so that it reuses
//! gate's dependencies and adds no test binary to `cargo test`.

use std::sync::atomic::{AtomicUsize, Ordering};

use ruff_python_parser::{Mode, ParseOptions, parse_unchecked};

// The allocator gate uses: the floor is gate's own, not the system
// allocator's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let threads = match args.iter().position(|arg| arg == "--threads") {
        Some(at) => {
            let value = args.remove(at + 1);
            args.remove(at);
            value.parse().expect("--threads N")
        }
        None => 0,
    };
    let Some((first, rest)) = args.split_first() else {
        eprintln!("usage: parse-floor DIR... [--threads N]");
        std::process::exit(2);
    };
    let mut walk = ignore::WalkBuilder::new(first);
    for dir in rest {
        walk.add(dir);
    }
    let files = AtomicUsize::new(0);
    let errors = AtomicUsize::new(0);
    walk.standard_filters(true)
        .hidden(true)
        .require_git(false)
        .threads(threads)
        .build_parallel()
        .run(|| {
            let (files, errors) = (&files, &errors);
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    return ignore::WalkState::Continue;
                };
                let path = entry.path();
                if path.extension().is_some_and(|ext| ext == "py")
                    && entry.file_type().is_some_and(|kind| kind.is_file())
                    && let Ok(bytes) = std::fs::read(path)
                {
                    let text = String::from_utf8_lossy(&bytes);
                    let parsed = parse_unchecked(&text, ParseOptions::from(Mode::Module));
                    files.fetch_add(1, Ordering::Relaxed);
                    errors.fetch_add(usize::from(!parsed.errors().is_empty()), Ordering::Relaxed);
                }
                ignore::WalkState::Continue
            })
        });
    println!(
        "{} files parsed, {} with syntax errors",
        files.into_inner(),
        errors.into_inner()
    );
}
