fn main() {
    std::process::exit(archgate::cli::main());
}
