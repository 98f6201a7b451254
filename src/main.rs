// Parsing allocates and frees millions of small AST nodes; mimalloc does
// that markedly faster than the system allocator (measured in bench/).
// `archgate::allocator` tunes it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(archgate::app::main().code());
}
