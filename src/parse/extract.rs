//! One source-order walk over the syntax tree that fills imports, calls,
//! module statements, classes, bindings and stores.

use std::sync::Arc;

use ruff_python_ast::visitor::source_order::{SourceOrderVisitor, walk_expr, walk_stmt};
use ruff_python_ast::{
    Alias, CmpOp, Expr, ExprCall, FStringPart, FStringValue, InterpolatedStringElement, Stmt,
    StmtClassDef, StmtFunctionDef, StmtIf, UnaryOp,
};
use ruff_text_size::{Ranged, TextRange};

use super::locate::Locator;
use crate::facts::{
    Argument, Binding, Call, ClassDef, FileFacts, Import, ImportContext, ImportStatement,
    MODULE_SCOPE, ModuleStatement, StatementKind, Store, StoreForm,
};

/// Longest string literal kept in an [`Argument::Str`], in characters.
const MAX_STR_ARGUMENT: usize = 64;

/// Fills the tree-derived fields of `facts` from the module body `suite`.
pub fn extract(suite: &[Stmt], text: &str, locator: &Locator, facts: &mut FileFacts) {
    let mut extractor = Extractor {
        text,
        locator,
        facts,
        scope: String::new(),
        shared_scope: Arc::from(MODULE_SCOPE),
        context: Context {
            module_level: true,
            ..Context::default()
        },
        bindings: Bindings::default(),
        imported: Vec::new(),
    };
    extractor.visit_body(suite);
}

/// Where the walk is; saved before entering a block and restored after it.
#[derive(Clone, Copy, Default)]
struct Context {
    in_function: bool,
    type_checking: bool,
    in_try: bool,
    conditional: bool,
    main_guard: bool,
    /// Outside every `def` and `class`: statements here run at import time.
    module_level: bool,
}

/// Local names bound to the modules and functions whose use the walk must
/// recognise. Tracked for the whole file, not per scope: a shadowing local
/// of the same name is too rare to be worth a symbol table.
#[derive(Default)]
struct Bindings {
    /// Aliases of `typing` / `typing_extensions` (`import typing as t`).
    typing: Vec<String>,
    /// Names bound to `TYPE_CHECKING` by `from typing import TYPE_CHECKING as TC`.
    type_checking: Vec<String>,
    /// Aliases of `importlib` (`import importlib as il`).
    importlib: Vec<String>,
    /// Names bound to `importlib.import_module`.
    import_module: Vec<String>,
}

/// What the test of an `if` clause means to the walk.
enum Test {
    TypeChecking,
    NotTypeChecking,
    MainGuard,
    Other,
}

struct Extractor<'a, 'src, 'ast> {
    text: &'src str,
    locator: &'a Locator<'src>,
    facts: &'a mut FileFacts,
    /// Dotted names of the enclosing definitions; empty at module level.
    scope: String,
    /// `scope` as shared by every import and call in it (`<module>` at
    /// module level), so that thousands of calls in one function hold one
    /// string between them.
    shared_scope: Arc<str>,
    context: Context,
    bindings: Bindings,
    /// The local names bound by the import statements seen so far, anywhere
    /// in the file (`sys` for `import sys`, `_s` for `import sys as _s`, `os`
    /// for `import os.path`, `path` for `from sys import path`): a write
    /// through one of them is a [`Store`]. Borrowed from the tree, and few,
    /// so a linear search beats hashing.
    imported: Vec<&'ast str>,
}

impl<'ast> SourceOrderVisitor<'ast> for Extractor<'_, '_, 'ast> {
    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        if self.context.module_level {
            self.record_module_statement(stmt);
        }
        match stmt {
            Stmt::FunctionDef(def) => self.visit_function(def),
            Stmt::ClassDef(class) => self.visit_class(class),
            Stmt::Import(import) => {
                for alias in &import.names {
                    self.record_import(ImportStatement::Import, "", 0, alias, import.is_lazy);
                }
            }
            Stmt::ImportFrom(import) => {
                let module = import.module.as_ref().map_or("", |m| m.as_str());
                for alias in &import.names {
                    self.record_import(
                        ImportStatement::ImportFrom,
                        module,
                        import.level,
                        alias,
                        import.is_lazy,
                    );
                }
            }
            Stmt::If(stmt_if) => self.visit_if(stmt_if),
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    self.record_binding(target, &assign.value, assign.range);
                    self.record_store(target, StoreForm::Assign, assign.range);
                }
                walk_stmt(self, stmt);
            }
            Stmt::AnnAssign(assign) => {
                // A bare annotation (`x: int`) neither binds nor writes.
                if let Some(value) = &assign.value {
                    self.record_binding(&assign.target, value, assign.range);
                    self.record_store(&assign.target, StoreForm::Assign, assign.range);
                }
                walk_stmt(self, stmt);
            }
            Stmt::AugAssign(assign) => {
                self.record_store(&assign.target, StoreForm::AugAssign, assign.range);
                walk_stmt(self, stmt);
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    self.record_store(target, StoreForm::Delete, delete.range);
                }
                walk_stmt(self, stmt);
            }
            Stmt::Try(_) => {
                let saved = self.context;
                self.context.in_try = true;
                walk_stmt(self, stmt);
                self.context = saved;
            }
            Stmt::With(with) => {
                for item in &with.items {
                    if let Some(target) = &item.optional_vars {
                        self.record_binding(target, &item.context_expr, item.range);
                    }
                    self.visit_with_item(item);
                }
                self.visit_conditional_body(&with.body);
            }
            Stmt::For(stmt_for) => {
                self.visit_expr(&stmt_for.target);
                self.visit_expr(&stmt_for.iter);
                self.visit_conditional_body(&stmt_for.body);
                self.visit_conditional_body(&stmt_for.orelse);
            }
            Stmt::While(stmt_while) => {
                self.visit_expr(&stmt_while.test);
                self.visit_conditional_body(&stmt_while.body);
                self.visit_conditional_body(&stmt_while.orelse);
            }
            Stmt::Match(stmt_match) => {
                self.visit_expr(&stmt_match.subject);
                let saved = self.context;
                self.context.conditional = true;
                for case in &stmt_match.cases {
                    self.visit_match_case(case);
                }
                self.context = saved;
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            Expr::Call(call) => self.visit_call(call, false),
            Expr::Await(await_expr) => match &*await_expr.value {
                Expr::Call(call) => self.visit_call(call, true),
                _ => walk_expr(self, expr),
            },
            Expr::Named(named) => {
                self.record_binding(&named.target, &named.value, named.range);
                walk_expr(self, expr);
            }
            Expr::Lambda(lambda) => {
                // Defaults are evaluated where the lambda is written.
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameters(parameters);
                }
                let saved = self.context;
                self.context.in_function = true;
                self.visit_expr(&lambda.body);
                self.context = saved;
            }
            _ => walk_expr(self, expr),
        }
    }
}

impl<'ast> Extractor<'_, '_, 'ast> {
    fn visit_function(&mut self, def: &'ast StmtFunctionDef) {
        // Decorators, defaults and annotations run when the `def` executes,
        // in the enclosing context; only the body is the function.
        for decorator in &def.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(type_params) = &def.type_params {
            self.visit_type_params(type_params);
        }
        self.visit_parameters(&def.parameters);
        if let Some(returns) = &def.returns {
            self.visit_annotation(returns);
        }
        let saved = self.context;
        let outer_scope = self.push_scope(&def.name);
        self.context.in_function = true;
        self.context.module_level = false;
        self.visit_body(&def.body);
        self.pop_scope(outer_scope);
        self.context = saved;
    }

    fn visit_class(&mut self, class: &'ast StmtClassDef) {
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(type_params) = &class.type_params {
            self.visit_type_params(type_params);
        }
        if let Some(arguments) = &class.arguments {
            self.visit_arguments(arguments);
        }
        let bases = class
            .bases()
            .iter()
            .map(|base| dotted(base).unwrap_or_else(|| self.text[base.range()].to_string()))
            .collect();
        let saved = self.context;
        let outer_scope = self.push_scope(&class.name);
        self.facts.classes.push(ClassDef {
            name: self.scope.clone(),
            bases,
            span: self.locator.span(class.name.range),
        });
        // A class body runs when the class statement does: not a function,
        // but no longer module-level statements either.
        self.context.module_level = false;
        self.visit_body(&class.body);
        self.pop_scope(outer_scope);
        self.context = saved;
    }

    /// The clauses of an `if` chain. `if TYPE_CHECKING:` makes its body
    /// type-only and leaves the later clauses at run time; `if not
    /// TYPE_CHECKING:` is the mirror image. Neither makes a block
    /// `conditional`, since at run time (or for a type checker) the branch
    /// taken is fixed.
    fn visit_if(&mut self, stmt_if: &'ast StmtIf) {
        let outer = self.context;
        let mut rest_type_only = outer.type_checking;
        let mut after_real_test = false;
        let first = std::iter::once((Some(&*stmt_if.test), &stmt_if.body[..]));
        let rest = stmt_if
            .elif_else_clauses
            .iter()
            .map(|clause| (clause.test.as_ref(), &clause.body[..]));
        for (test, body) in first.chain(rest) {
            let clause = Context {
                type_checking: rest_type_only,
                conditional: outer.conditional || after_real_test,
                ..outer
            };
            self.context = clause;
            let mut body_context = clause;
            if let Some(test) = test {
                self.visit_expr(test);
                match self.classify(test) {
                    Test::TypeChecking => body_context.type_checking = true,
                    Test::NotTypeChecking => rest_type_only = true,
                    Test::MainGuard => {
                        body_context.main_guard = true;
                        body_context.conditional = true;
                        after_real_test = true;
                    }
                    Test::Other => {
                        body_context.conditional = true;
                        after_real_test = true;
                    }
                }
            }
            self.context = body_context;
            self.visit_body(body);
        }
        self.context = outer;
    }

    fn visit_conditional_body(&mut self, body: &'ast [Stmt]) {
        let saved = self.context;
        self.context.conditional = true;
        self.visit_body(body);
        self.context = saved;
    }

    fn visit_call(&mut self, call: &'ast ExprCall, awaited: bool) {
        let callee = dotted(&call.func).map(String::into_boxed_str);
        let trailing_attribute = match (&callee, &*call.func) {
            (None, Expr::Attribute(attribute)) => Some(attribute.attr.as_str().into()),
            _ => None,
        };
        let first_arg = call.arguments.args.first().map(argument);
        self.facts.calls.push(Call {
            callee,
            trailing_attribute,
            first_arg,
            span: self.locator.span(call.range()),
            scope: self.scope_name(),
            awaited,
            in_function: self.context.in_function,
            type_checking: self.context.type_checking,
        });
        if let Some((module, level)) = self.dynamic_import(call) {
            self.facts.imports.push(Import {
                statement: ImportStatement::Dynamic,
                module,
                level,
                name: None,
                alias: None,
                span: self.locator.span(call.range()),
                scope: self.scope_name(),
                context: self.import_context(false),
            });
        }
        self.visit_expr(&call.func);
        self.visit_arguments(&call.arguments);
    }

    /// `(module, level)` of `importlib.import_module("a.b")`,
    /// `import_module(".x", package=__package__)` or `__import__("a.b")`.
    fn dynamic_import(&self, call: &ExprCall) -> Option<(String, u32)> {
        // Only `import_module` takes a `package` to anchor a relative name.
        let takes_package = match &*call.func {
            Expr::Attribute(attribute)
                if attribute.attr.as_str() == "import_module"
                    && matches!(&*attribute.value, Expr::Name(name)
                        if name.id.as_str() == "importlib"
                            || contains(&self.bindings.importlib, &name.id)) =>
            {
                true
            }
            Expr::Name(name) if name.id.as_str() == "__import__" => false,
            Expr::Name(name) if contains(&self.bindings.import_module, &name.id) => true,
            _ => return None,
        };
        let Expr::StringLiteral(literal) = call.arguments.find_argument_value("name", 0)? else {
            return None;
        };
        let written = literal.value.to_str();
        let module = written.trim_start_matches('.');
        let level = (written.len() - module.len()) as u32;
        if !module.is_empty() && module.split('.').any(str::is_empty) {
            return None;
        }
        if level == 0 {
            return (!module.is_empty()).then(|| (module.to_string(), 0));
        }
        // A relative name needs an anchor. `__name__` equals `__package__`
        // in an `__init__.py`, the only place where that form imports at all,
        // so both mean the importer's package, as the dots of `from .x` do.
        if !takes_package {
            return None;
        }
        let package = call.arguments.find_argument_value("package", 1)?;
        matches!(package, Expr::Name(name)
            if matches!(name.id.as_str(), "__package__" | "__name__"))
        .then(|| (module.to_string(), level))
    }

    fn record_import(
        &mut self,
        statement: ImportStatement,
        from_module: &str,
        level: u32,
        alias: &'ast Alias,
        lazy: bool,
    ) {
        let name = alias.name.as_str();
        // Recovered from syntax errors: `import`, `from x import` (empty name)
        // and `from import y` (no module, no dots) name nothing to import.
        if name.is_empty()
            || (statement == ImportStatement::ImportFrom && from_module.is_empty() && level == 0)
        {
            return;
        }
        let asname = alias.asname.as_ref().map(|a| a.as_str());
        self.bind(statement, from_module, level, name, asname);
        self.bind_imported(statement, name, asname);
        let (module, name) = match statement {
            ImportStatement::ImportFrom => (from_module, Some(name.to_string())),
            _ => (name, None),
        };
        self.facts.imports.push(Import {
            statement,
            module: module.to_string(),
            level,
            name,
            alias: asname.map(str::to_string),
            span: self.locator.span(alias.range),
            scope: self.scope_name(),
            context: self.import_context(lazy),
        });
    }

    /// Remembers the local names that later `TYPE_CHECKING` tests and dynamic
    /// imports are recognised by.
    fn bind(
        &mut self,
        statement: ImportStatement,
        from_module: &str,
        level: u32,
        name: &str,
        asname: Option<&str>,
    ) {
        let local = asname.unwrap_or(name);
        let list = match (statement, from_module, name) {
            (ImportStatement::Import, _, "typing" | "typing_extensions") => {
                &mut self.bindings.typing
            }
            (ImportStatement::Import, _, "importlib") => &mut self.bindings.importlib,
            (ImportStatement::ImportFrom, "typing" | "typing_extensions", "TYPE_CHECKING")
                if level == 0 =>
            {
                &mut self.bindings.type_checking
            }
            (ImportStatement::ImportFrom, "importlib", "import_module") if level == 0 => {
                &mut self.bindings.import_module
            }
            _ => return,
        };
        if !list.iter().any(|known| known == local) {
            list.push(local.to_string());
        }
    }

    /// Remembers the local name an import binds, for [`Self::record_store`].
    fn bind_imported(
        &mut self,
        statement: ImportStatement,
        name: &'ast str,
        asname: Option<&'ast str>,
    ) {
        let local = match (asname, statement) {
            (Some(asname), _) => asname,
            // `import a.b` binds `a`.
            (None, ImportStatement::Import) => name.split('.').next().unwrap_or(name),
            (None, _) => name,
        };
        if local != "*" && !self.imported.contains(&local) {
            self.imported.push(local);
        }
    }

    /// A [`Binding`] for `target = value` when the target is a name chain
    /// and the value a call (or an awaited call) with a dotted root.
    fn record_binding(&mut self, target: &Expr, value: &Expr, range: TextRange) {
        if !is_name_chain(target) {
            return;
        }
        let Some(callee) = call_of(value).and_then(root_callee) else {
            return;
        };
        let Some(target) = dotted(target) else {
            return;
        };
        self.facts.bindings.push(Binding {
            target: target.into_boxed_str(),
            callee: callee.into_boxed_str(),
            span: self.locator.span(range),
            scope: self.scope_name(),
        });
    }

    /// A [`Store`] for a write to `target` (an element of a tuple or list
    /// target counts on its own) when the target is a name chain, possibly
    /// subscripted, that starts with an imported name. `range` is the
    /// statement's.
    fn record_store(&mut self, target: &Expr, form: StoreForm, range: TextRange) {
        let (chain, form) = match target {
            Expr::Tuple(tuple) => {
                for element in &tuple.elts {
                    self.record_store(element, form, range);
                }
                return;
            }
            Expr::List(list) => {
                for element in &list.elts {
                    self.record_store(element, form, range);
                }
                return;
            }
            Expr::Starred(starred) => return self.record_store(&starred.value, form, range),
            Expr::Subscript(subscript) => match form {
                StoreForm::Delete => (&*subscript.value, StoreForm::DeleteItem),
                _ => (&*subscript.value, StoreForm::Item),
            },
            _ => (target, form),
        };
        // Check the root before building any text: most targets are locals.
        if !root_name(chain).is_some_and(|root| self.imported.contains(&root)) {
            return;
        }
        let Some(target) = dotted(chain) else {
            return;
        };
        self.facts.stores.push(Store {
            target: target.into_boxed_str(),
            form,
            span: self.locator.span(range),
            scope: self.scope_name(),
            type_checking: self.context.type_checking,
        });
    }

    fn classify(&self, test: &Expr) -> Test {
        match test {
            Expr::UnaryOp(unary)
                if unary.op == UnaryOp::Not && self.is_type_checking(&unary.operand) =>
            {
                Test::NotTypeChecking
            }
            Expr::Compare(compare)
                if compare.ops.len() == 1
                    && compare.ops[0] == CmpOp::Eq
                    && is_main_guard(&compare.left, &compare.comparators[0]) =>
            {
                Test::MainGuard
            }
            _ if self.is_type_checking(test) => Test::TypeChecking,
            _ => Test::Other,
        }
    }

    /// `TYPE_CHECKING` (imported or not: the mypy convention), an alias of
    /// it, or `<typing alias>.TYPE_CHECKING`.
    fn is_type_checking(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Name(name) => {
                name.id.as_str() == "TYPE_CHECKING"
                    || contains(&self.bindings.type_checking, &name.id)
            }
            Expr::Attribute(attribute) => {
                attribute.attr.as_str() == "TYPE_CHECKING"
                    && matches!(&*attribute.value, Expr::Name(name)
                        if matches!(name.id.as_str(), "typing" | "typing_extensions")
                            || contains(&self.bindings.typing, &name.id))
            }
            _ => false,
        }
    }

    fn record_module_statement(&mut self, stmt: &Stmt) {
        let assignment = |value: Option<&Expr>| match value.and_then(call_of) {
            Some(call) => (StatementKind::AssignCall, dotted(&call.func)),
            None => (StatementKind::Assign, None),
        };
        let (kind, callee) = match stmt {
            Stmt::Expr(expr) => match call_of(&expr.value) {
                Some(call) => (StatementKind::Call, dotted(&call.func)),
                None => (StatementKind::Other, None),
            },
            Stmt::Assign(assign) => assignment(Some(&assign.value)),
            Stmt::AugAssign(assign) => assignment(Some(&assign.value)),
            Stmt::AnnAssign(assign) => assignment(assign.value.as_deref()),
            Stmt::TypeAlias(_) => (StatementKind::Assign, None),
            Stmt::FunctionDef(_) => (StatementKind::Def, None),
            Stmt::ClassDef(_) => (StatementKind::Class, None),
            Stmt::Import(_) | Stmt::ImportFrom(_) => (StatementKind::Import, None),
            _ => (StatementKind::Other, None),
        };
        self.facts.module_statements.push(ModuleStatement {
            kind,
            callee,
            span: self.locator.span(stmt.range()),
            main_guard: self.context.main_guard,
            type_checking: self.context.type_checking,
        });
    }

    fn import_context(&self, lazy: bool) -> ImportContext {
        ImportContext {
            in_function: self.context.in_function,
            type_checking: self.context.type_checking,
            in_try: self.context.in_try,
            conditional: self.context.conditional,
            lazy,
        }
    }

    /// Enters a definition; returns what `pop_scope` restores.
    fn push_scope(&mut self, name: &str) -> (usize, Arc<str>) {
        let outer = (self.scope.len(), self.shared_scope.clone());
        if !self.scope.is_empty() {
            self.scope.push('.');
        }
        self.scope.push_str(name);
        self.shared_scope = Arc::from(self.scope.as_str());
        outer
    }

    fn pop_scope(&mut self, (length, shared): (usize, Arc<str>)) {
        self.scope.truncate(length);
        self.shared_scope = shared;
    }

    fn scope_name(&self) -> Arc<str> {
        self.shared_scope.clone()
    }
}

fn contains(names: &[String], name: &str) -> bool {
    names.iter().any(|known| known == name)
}

/// `__name__ == "__main__"`, either way round.
fn is_main_guard(left: &Expr, right: &Expr) -> bool {
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    (is_name(left) && is_main(right)) || (is_main(left) && is_name(right))
}

/// The call of `f()` or `await f()`.
fn call_of(expr: &Expr) -> Option<&ExprCall> {
    match expr {
        Expr::Call(call) => Some(call),
        Expr::Await(await_expr) => match &*await_expr.value {
            Expr::Call(call) => Some(call),
            _ => None,
        },
        _ => None,
    }
}

/// `a.b.c` for a chain of attributes on a name.
fn dotted(expr: &Expr) -> Option<String> {
    fn push(expr: &Expr, out: &mut String) -> bool {
        match expr {
            Expr::Name(name) => {
                out.push_str(&name.id);
                true
            }
            Expr::Attribute(attribute) => {
                if !push(&attribute.value, out) {
                    return false;
                }
                out.push('.');
                out.push_str(&attribute.attr);
                true
            }
            _ => false,
        }
    }
    let mut out = String::new();
    push(expr, &mut out).then_some(out)
}

/// Whether `expr` is a name or a chain of attributes on one.
fn is_name_chain(expr: &Expr) -> bool {
    root_name(expr).is_some()
}

/// `a` for `a`, `a.b` and `a.b.c`; `None` when the chain does not start
/// with a name (`f().b`, `x[0].b`).
fn root_name(expr: &Expr) -> Option<&str> {
    let mut expr = expr;
    loop {
        match expr {
            Expr::Name(name) => return Some(&name.id),
            Expr::Attribute(attribute) => expr = &attribute.value,
            _ => return None,
        }
    }
}

fn argument(expr: &Expr) -> Argument {
    match expr {
        Expr::Name(_) | Expr::Attribute(_) => dotted(expr).map_or(Argument::Other, Argument::Name),
        Expr::Call(call) => match chain_root(call) {
            Some(root) => sql_text(root).map_or_else(
                || dotted(&root.func).map_or(Argument::Other, Argument::Call),
                Argument::Str,
            ),
            None => Argument::Other,
        },
        _ => literal_prefix(expr).map_or(Argument::Other, Argument::Str),
    }
}

/// The literal text of a string (its first [`MAX_STR_ARGUMENT`]
/// characters), or of an f-string up to its first replacement field; `None`
/// for anything else, or for an f-string that starts with a replacement
/// field.
fn literal_prefix(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(literal) => {
            Some(literal.value.chars().take(MAX_STR_ARGUMENT).collect())
        }
        Expr::FString(f_string) => f_string_prefix(&f_string.value),
        _ => None,
    }
}

/// The literal text of an f-string (implicitly concatenated parts joined)
/// before its first replacement field; `None` when that text is empty.
fn f_string_prefix(value: &FStringValue) -> Option<String> {
    let mut out = String::new();
    let mut room = MAX_STR_ARGUMENT;
    let mut push = |text: &str| {
        for c in text.chars().take(room) {
            out.push(c);
            room -= 1;
        }
    };
    'parts: for part in value {
        match part {
            FStringPart::Literal(literal) => push(&literal.value),
            FStringPart::FString(f_string) => {
                for element in &f_string.elements {
                    match element {
                        InterpolatedStringElement::Literal(literal) => push(&literal.value),
                        InterpolatedStringElement::Interpolation(_) => break 'parts,
                    }
                }
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The SQL of SQLAlchemy's `text("...")` (any callee whose last name is
/// `text`: `text`, `sa.text`, `sqlalchemy.text`) when its first argument is
/// a string or f-string literal.
fn sql_text(call: &ExprCall) -> Option<String> {
    let last = match &*call.func {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return None,
    };
    if last != "text" {
        return None;
    }
    literal_prefix(call.arguments.args.first()?)
}

/// The dotted callee of a call, or for a method chain on a call
/// (`insert(T).values(...)`) the callee of the call the chain starts from.
/// A call of a call's result (`sessionmaker()()`) has none: its value is not
/// what the inner callee makes.
fn root_callee(call: &ExprCall) -> Option<String> {
    chain_root(call).and_then(|root| dotted(&root.func))
}

/// The call a method chain starts from (`insert(T)` for
/// `insert(T).values(...).returning(...)`), the call itself when its callee
/// is a name chain; `None` when the chain does not start with a named call.
fn chain_root(call: &ExprCall) -> Option<&ExprCall> {
    let mut call = call;
    loop {
        let mut receiver = &*call.func;
        let mut method = false;
        while let Expr::Attribute(attribute) = receiver {
            receiver = &attribute.value;
            method = true;
        }
        match receiver {
            Expr::Name(_) => return Some(call),
            Expr::Call(inner) if method => call = inner,
            _ => return None,
        }
    }
}
