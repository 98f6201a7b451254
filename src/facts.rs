//! `FileFacts`: everything the rules need from one Python file, extracted in a
//! single pass over its syntax tree. The tree itself is dropped right after.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// The dotted name of the enclosing definition of a top-level statement.
pub const MODULE_SCOPE: &str = "<module>";

/// Which facts of [`FileFacts`] a run extracts: those its rules read.
/// Imports and `__all__` (the graph is always built), syntax errors and
/// ignore comments are always extracted; the others only when asked for, so that a config
/// of import rules keeps no calls, bindings or statements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FactSet(u8);

impl FactSet {
    /// Imports, `__all__`, syntax errors and ignore comments only.
    pub const BASE: FactSet = FactSet(0);
    pub const CALLS: FactSet = FactSet(1);
    pub const MODULE_STATEMENTS: FactSet = FactSet(1 << 1);
    pub const CLASSES: FactSet = FactSet(1 << 2);
    pub const BINDINGS: FactSet = FactSet(1 << 3);
    pub const STORES: FactSet = FactSet(1 << 4);
    pub const HEADER: FactSet = FactSet(1 << 5);
    pub const LINE_COUNT: FactSet = FactSet(1 << 6);
    /// What [`crate::symbols::Symbols`] reads to qualify a name: the
    /// classes, besides the imports.
    pub const SYMBOLS: FactSet = FactSet::CLASSES;
    pub const ALL: FactSet = FactSet((1 << 7) - 1);
    /// The facts read from expressions (calls, walrus bindings, calls in
    /// headers and defaults): without them, the walk leaves expressions
    /// alone where it can (see [`crate::parse::parse_file_for`]).
    pub const FROM_EXPRESSIONS: FactSet = FactSet::CALLS
        .with(FactSet::BINDINGS)
        .with(FactSet::MODULE_STATEMENTS)
        .with(FactSet::STORES);

    pub const fn with(self, other: FactSet) -> FactSet {
        FactSet(self.0 | other.0)
    }

    pub const fn has(self, other: FactSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// Some fact of `other` is in this set.
    pub const fn has_any(self, other: FactSet) -> bool {
        self.0 & other.0 != 0
    }

    /// As a byte, for the cache key.
    pub const fn bits(self) -> u8 {
        self.0
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    /// One entry per imported target: `import a, b` gives two.
    pub imports: Vec<Import>,
    /// Every call expression, in source order.
    pub calls: Vec<Call>,
    /// The top-level statements (and those nested in top-level `if`/`try`/
    /// `with`/`for`/`while`/`match` blocks, not in `def` or `class` bodies),
    /// in source order, for rules about code that runs at import time.
    /// `elif`/`else` clauses are not statements of their own.
    pub module_statements: Vec<ModuleStatement>,
    pub classes: Vec<ClassDef>,
    /// Names bound to the result of a call (`s = Session()`, `with
    /// get_session() as db:`), for rules that follow a value from where it
    /// is made to where it is used in the same function. Everywhere (module,
    /// functions, class bodies), in source order.
    pub bindings: Vec<Binding>,
    /// Assignments, augmented assignments, item assignments and `del` whose
    /// target starts with a name bound by an import statement earlier in the
    /// file, at any depth (`sys.path += [...]`, `path[0:0] = [...]` after
    /// `from sys import path`), in source order. Writes to other names are
    /// left out, so `x += 1` costs nothing.
    pub stores: Vec<Store>,
    /// The leading comment block: consecutive comment lines before the first
    /// statement or docstring, shebang and encoding lines included; blank
    /// lines between them are allowed and left out.
    pub header: Vec<HeaderLine>,
    /// Lines as an editor shows them: a final line break does not start a
    /// line; 0 for an empty file.
    pub line_count: u32,
    /// Parse errors; the facts above are what the parser recovered. A file
    /// that is not UTF-8 has exactly one, and no other facts. Syntax that is
    /// only invalid for some Python versions (`match` before 3.10, ...) is
    /// not an error: gate does not know the project's target version.
    pub syntax_errors: Vec<SyntaxError>,
    /// `# gate: ignore[...]` comments.
    pub ignores: Vec<IgnoreComment>,
    /// The names in `__all__`, when the module binds it at module level
    /// from string literals only (`__all__ = ["A"]`, `+= [...]`,
    /// `.extend([...])`, `.append("B")`); `None` when it does not bind it,
    /// or binds it in a way gate cannot read: then `from m import *` takes
    /// the public names, as Python does without `__all__`.
    pub exported_names: Option<Vec<String>>,
}

impl FileFacts {
    /// Drops the spare capacity of every list: the facts of all files are
    /// kept until the end of the run, and growth slack would be a third of
    /// their memory.
    pub fn shrink_to_fit(&mut self) {
        self.imports.shrink_to_fit();
        self.calls.shrink_to_fit();
        self.module_statements.shrink_to_fit();
        self.classes.shrink_to_fit();
        self.bindings.shrink_to_fit();
        self.stores.shrink_to_fit();
        self.header.shrink_to_fit();
        self.syntax_errors.shrink_to_fit();
        self.ignores.shrink_to_fit();
    }

    /// Makes facts of the same scope share one string again, as extraction
    /// made them (decoding gives each its own): a function's hundreds of
    /// calls would otherwise hold hundreds of copies of its name. Facts are
    /// in source order, so the same scope mostly follows itself.
    pub fn share_scopes(&mut self) {
        let mut last: Option<Arc<str>> = None;
        let mut share = |scope: &mut Arc<str>| match &last {
            Some(shared) if **shared == **scope => *scope = shared.clone(),
            _ => last = Some(scope.clone()),
        };
        self.imports
            .iter_mut()
            .for_each(|fact| share(&mut fact.scope));
        self.calls
            .iter_mut()
            .for_each(|fact| share(&mut fact.scope));
        self.bindings
            .iter_mut()
            .for_each(|fact| share(&mut fact.scope));
        self.stores
            .iter_mut()
            .for_each(|fact| share(&mut fact.scope));
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImportStatement {
    /// `import a.b` / `import a.b as c`
    Import,
    /// `from a import b` / `from . import b` / `from a import *`
    ImportFrom,
    /// `importlib.import_module("a.b")` or `__import__("a.b")` with a literal.
    Dynamic,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Import {
    pub statement: ImportStatement,
    /// The module as written, without leading dots: `a.b` for `import a.b`,
    /// `a` for `from a import b`, `` for `from . import b`.
    pub module: Box<str>,
    /// Number of leading dots of a relative import; 0 when absolute.
    pub level: u32,
    /// For `from m import name`: the imported name (`*` for a star import).
    pub name: Option<Box<str>>,
    /// The `as` name, as written: `import a.b as c` gives `c`; `from m import
    /// n as o` gives `o` (and `from m import n as n` gives `n`).
    pub alias: Option<Box<str>>,
    /// The alias (or the whole call for dynamic imports).
    pub span: Span,
    /// For `from m import ...`: the module name `m` as written (the first
    /// dot of `from . import ...`), shared by every name of the statement.
    pub module_span: Option<Span>,
    /// Enclosing definition, dotted (`Router.create`), or `<module>`.
    pub scope: Arc<str>,
    pub context: ImportContext,
}

/// Where an import statement sits; rules choose which contexts count.
/// Containment is lexical and nests: an import in a `def` inside a `try` is
/// both `in_function` and `in_try`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ImportContext {
    /// Inside a `def` or `lambda` (a lazy import). Class bodies run at import
    /// time, so they do not count as functions.
    pub in_function: bool,
    /// Inside the body of `if TYPE_CHECKING:` (or the `else` of `if not
    /// TYPE_CHECKING:`): never executed at run time. The test may also be
    /// `typing.TYPE_CHECKING` through any alias of `typing` or
    /// `typing_extensions`, or an alias of the imported name.
    pub type_checking: bool,
    /// Inside a `try` statement: its body, handlers, `else` or `finally`.
    pub in_try: bool,
    /// Inside any other `if`/`while`/`for`/`with`/`match` block. The body and
    /// `else` of `if TYPE_CHECKING:` (or `if not TYPE_CHECKING:`) are not
    /// conditional: which one runs is fixed.
    pub conditional: bool,
    /// PEP 810 `lazy import` / `lazy from ... import`.
    pub lazy: bool,
}

/// A call expression `callee(args)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Call {
    /// The callee as dotted text when it is a chain of names and attributes
    /// (`session.add`, `self.db.commit`, `sys.path.insert`); `None` otherwise
    /// (`get()()`, `x[0]()`), in which case the method may still be known.
    pub callee: Option<Box<str>>,
    /// The last attribute of a callee that is not a name chain (`add` for
    /// `a.b().add(...)`). `None` when `callee` is set, which already ends
    /// with it: read both through [`Call::method`].
    pub trailing_attribute: Option<Box<str>>,
    /// Summary of the first positional argument.
    pub first_arg: Option<Argument>,
    /// The whole call expression.
    pub span: Span,
    pub scope: Arc<str>,
    /// The call is the direct operand of `await`.
    pub awaited: bool,
    pub in_function: bool,
    pub type_checking: bool,
}

impl Call {
    /// The called method or function: the last name of the callee (`add`
    /// for `session.add(...)` and for `a.b().add(...)`).
    pub fn method(&self) -> Option<&str> {
        match &self.callee {
            Some(callee) => callee.rsplit('.').next(),
            None => self.trailing_attribute.as_deref(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Argument {
    /// A call; its callee as dotted text (`insert`, `sa.update`). For a
    /// method chain on a call, the call it starts from: `sa.insert` for
    /// `sa.insert(T).values(...)`. A call of a call's result (`g()()`) is
    /// [`Argument::Other`].
    Call(String),
    /// A string literal (the first 64 characters); implicitly concatenated
    /// parts are joined. For an f-string, its literal text before the first
    /// replacement field (`DELETE FROM ` for `f"DELETE FROM {table}"`; an
    /// f-string that starts with a replacement field is [`Argument::Other`]).
    /// A concatenation or `%`-formatting is its left operand's text. For
    /// SQLAlchemy's `text("...")` (any callee whose last name is `text`:
    /// `text`, `sa.text`, `sqlalchemy.text`; also at the start of a method
    /// chain, `text("...").bindparams(...)`) with a string or f-string
    /// literal, that literal, since it is the SQL being run; the same for
    /// any other wrapper call (`sql_text("UPDATE …")`, nested up to four
    /// deep, or `"UPDATE …".format(...)`) whose literal opens with an SQL
    /// statement keyword. Otherwise a call stays a [`Argument::Call`].
    Str(String),
    /// A name or attribute chain (`Incident`, `self.model`).
    Name(String),
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatementKind {
    /// A bare expression statement whose value is a call (`init_db()`).
    Call,
    /// `x = f()` / `x: T = f()` (also augmented).
    AssignCall,
    /// Any other assignment.
    Assign,
    /// A call in the header of a block (the test of an `if`, `elif` or
    /// `while`, the iterable of a `for`, an item of a `with`), in an
    /// `assert`, or in a parameter's default value of a `def`: it runs when
    /// the statement does. Its span is the call's;
    /// calls in its arguments are not recorded apart.
    HeaderCall,
    Def,
    Class,
    Import,
    /// `if`/`try`/`with`/`for`/`while`/`match` and everything else.
    Other,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModuleStatement {
    pub kind: StatementKind,
    /// Dotted callee for `Call` and `AssignCall` when it is a name chain.
    pub callee: Option<String>,
    /// The whole statement; a decorated `def` or `class` starts at its first
    /// decorator.
    pub span: Span,
    /// Inside `if __name__ == "__main__":`.
    pub main_guard: bool,
    pub type_checking: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassDef {
    /// Dotted within the file (`Outer.Inner`).
    pub name: String,
    /// Base classes (positional arguments only) as dotted text, or their
    /// source text when not a name chain (`Generic[T]`).
    pub bases: Vec<String>,
    /// The class name in its `class` statement.
    pub span: Span,
}

/// `target = call(...)`, `target: T = call(...)`, `target := call(...)` or
/// `with call(...) as target:` (also `async with`), where the call may be
/// awaited (`target = await call(...)`). Each target of `a = b = call()`
/// counts; tuple, list and subscript targets do not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Binding {
    /// The bound name, or attribute chain (`self.session`).
    pub target: Box<str>,
    /// The callee of the call, as for [`Argument::Call`]: for a method chain
    /// on a call, the call it starts from (`insert` for
    /// `insert(T).values(...)`).
    pub callee: Box<str>,
    /// The whole statement (or `with` item, or `target := call(...)`
    /// without its parentheses).
    pub span: Span,
    pub scope: Arc<str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoreForm {
    /// `target = ...` (also annotated, and each element of a tuple or list
    /// target: `sys.argv, rest = ...`).
    Assign,
    /// `target += ...` and the other augmented operators.
    AugAssign,
    /// `target[...] = ...` (also slices and augmented item assignment).
    Item,
    /// `del target`.
    Delete,
    /// `del target[...]`.
    DeleteItem,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Store {
    /// The dotted target without the subscript (`sys.path` for
    /// `sys.path[0:0] = ...`): a name or a chain of attributes on it, with a
    /// subscript as the last step only (`sys.path[0].x = ...` is no store).
    pub target: Box<str>,
    pub form: StoreForm,
    /// The whole statement.
    pub span: Span,
    pub scope: Arc<str>,
    /// Inside `if TYPE_CHECKING:`: never executed.
    pub type_checking: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeaderLine {
    pub line: u32,
    /// The whole line as written, leading whitespace and `#` included,
    /// without its line break.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyntaxError {
    /// The parser's message, without position (the span has it).
    pub message: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IgnoreComment {
    /// Rule names inside the brackets; empty for a bare `# gate: ignore`.
    pub rules: Vec<String>,
    /// The directive's own position, `# gate: ignore[...]`, which may follow
    /// other text in the same comment (`# noqa  # gate: ignore[x]`).
    pub span: Span,
    /// The comment is alone on its line, so it applies to the next line.
    pub own_line: bool,
}
