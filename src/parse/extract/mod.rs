//! One source-order walk over the syntax tree that fills imports, calls,
//! module statements, classes, bindings and stores: the walk, its scopes and
//! its context live here; what it records of each kind of node, below.

mod conditions;
mod exports;
mod expressions;
mod imports;
mod stores;

use std::sync::Arc;

use rustc_hash::FxHashSet;

use ruff_python_ast::visitor::source_order::{
    SourceOrderVisitor, walk_expr, walk_pattern, walk_stmt,
};
use ruff_python_ast::{Expr, ExprCall, Pattern, Stmt, StmtClassDef, StmtFunctionDef};
use ruff_text_size::Ranged;

use super::locate::Locator;
use crate::facts::{
    Call, ClassDef, FactSet, FileFacts, Import, ImportStatement, MODULE_SCOPE, ModuleStatement,
    StatementKind, StoreForm,
};
use expressions::{argument, call_of, dotted};

/// Fills the tree-derived fields of `facts` from the module body `suite`,
/// going into expressions only when `expressions` says so; `false` when the
/// tree nests deeper than gate walks (a syntax error in `facts` says so).
pub fn extract(
    suite: &[Stmt],
    text: &str,
    locator: &Locator,
    (wanted, expressions): (FactSet, bool),
    facts: &mut FileFacts,
) -> bool {
    let mut extractor = Extractor {
        text,
        locator,
        wanted,
        expressions_walked: expressions,
        facts,
        scope: String::new(),
        shared_scope: Arc::from(MODULE_SCOPE),
        context: Context {
            module_level: true,
            ..Context::default()
        },
        bindings: Bindings::default(),
        imported: FxHashSet::default(),
        blocks: 0,
        expressions: 0,
        too_deep: false,
        exports: exports::Exports::default(),
    };
    extractor.visit_body(suite);
    extractor.facts.exported_names = std::mem::take(&mut extractor.exports).into_names();
    !extractor.too_deep
}

/// Blocks nested deeper than this make the file a syntax error, as CPython's
/// tokenizer does ("too many levels of indentation", at 100): no valid file
/// has more, so gate never rejects a file CPython accepts.
pub const MAX_BLOCKS: usize = 100;

/// Expressions nested deeper than this make the file a syntax error. CPython
/// 3.11 rejects about 3,000 levels ("maximum recursion depth exceeded during
/// compilation"); the margin keeps gate from rejecting a file some other
/// CPython version accepts.
pub const MAX_EXPRESSIONS: usize = 4_000;

/// Stack the walk keeps free before each step down, and the size of a new
/// segment when it has less: the walk recurses once per nesting level, and
/// a debug build's frames are large, so even `MAX_EXPRESSIONS` levels must
/// not depend on the size of the thread's stack.
const STACK_RED_ZONE: usize = 64 * 1024;
const STACK_SEGMENT: usize = 1024 * 1024;

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
    typing: FxHashSet<String>,
    /// Names bound to `TYPE_CHECKING` by `from typing import TYPE_CHECKING as TC`.
    type_checking: FxHashSet<String>,
    /// Aliases of `importlib` (`import importlib as il`).
    importlib: FxHashSet<String>,
    /// Names bound to `importlib.import_module`.
    import_module: FxHashSet<String>,
}

struct Extractor<'a, 'src, 'ast> {
    text: &'src str,
    locator: &'a Locator<'src>,
    /// The facts to record; imports always are. Statements are walked
    /// whatever is recorded: they hold the imports and the blocks nested
    /// too deep to drop the tree safely.
    wanted: FactSet,
    /// The walk goes into expressions: for the facts read there, a dynamic
    /// import, or a line long enough to nest past [`MAX_EXPRESSIONS`].
    /// Statements are walked whatever this says.
    expressions_walked: bool,
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
    /// through one of them is a [`Store`](crate::facts::Store). Borrowed
    /// from the tree; a set, as a generated file may have 100,000 of them.
    imported: FxHashSet<&'ast str>,
    /// Blocks (module, class and function bodies, branches) around the walk.
    blocks: usize,
    /// Expressions around the walk.
    expressions: usize,
    /// A nesting limit was hit and reported: the walk went no deeper there.
    too_deep: bool,
    /// What the module-level statements seen so far make of `__all__`.
    exports: exports::Exports,
}

impl<'ast> SourceOrderVisitor<'ast> for Extractor<'_, '_, 'ast> {
    fn visit_body(&mut self, body: &'ast [Stmt]) {
        // The module's own body is the first block and has no indentation.
        if self.blocks > MAX_BLOCKS {
            if let Some(first) = body.first() {
                self.report_too_deep(
                    first.range(),
                    format!(
                        "too many levels of indentation: blocks nested more than {MAX_BLOCKS} \
                         deep (CPython rejects them too); gate does not look inside"
                    ),
                );
            }
            return;
        }
        self.blocks += 1;
        for stmt in body {
            self.visit_stmt(stmt);
        }
        self.blocks -= 1;
    }

    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || self.visit_stmt_here(stmt));
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        if !self.expressions_walked {
            return;
        }
        if self.expressions >= MAX_EXPRESSIONS {
            self.report_too_deep(
                expr.range(),
                format!(
                    "expressions nested more than {MAX_EXPRESSIONS} deep (CPython rejects \
                     them too); gate does not look inside"
                ),
            );
            return;
        }
        self.expressions += 1;
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || self.visit_expr_here(expr));
        self.expressions -= 1;
    }

    /// Patterns (`case [[x]]:`) nest like expressions and count with them.
    fn visit_pattern(&mut self, pattern: &'ast Pattern) {
        if !self.expressions_walked {
            return;
        }
        if self.expressions >= MAX_EXPRESSIONS {
            self.report_too_deep(
                pattern.range(),
                format!(
                    "patterns nested more than {MAX_EXPRESSIONS} deep (CPython rejects them \
                     too); gate does not look inside"
                ),
            );
            return;
        }
        self.expressions += 1;
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
            walk_pattern(self, pattern)
        });
        self.expressions -= 1;
    }
}

impl<'ast> Extractor<'_, '_, 'ast> {
    /// One syntax error per file for nesting too deep to walk.
    fn report_too_deep(&mut self, at: ruff_text_size::TextRange, message: String) {
        if !self.too_deep {
            self.too_deep = true;
            self.facts.syntax_errors.push(crate::facts::SyntaxError {
                message,
                span: self.locator.span(at),
            });
        }
    }

    fn visit_stmt_here(&mut self, stmt: &'ast Stmt) {
        if self.context.module_level {
            if self.wanted.has(FactSet::MODULE_STATEMENTS) {
                self.record_module_statement(stmt);
            }
            // Star imports resolve through it: always recorded.
            self.exports.record(stmt);
        }
        match stmt {
            Stmt::FunctionDef(def) => self.visit_function(def),
            Stmt::ClassDef(class) => self.visit_class(class),
            Stmt::Import(import) => {
                for alias in &import.names {
                    self.record_import(ImportStatement::Import, "", None, 0, alias, import.is_lazy);
                }
            }
            Stmt::ImportFrom(import) => {
                let module = import.module.as_ref().map_or("", |m| m.as_str());
                let module_span = match &import.module {
                    Some(module) => Some(self.locator.span(module.range)),
                    None => self
                        .leading_dot(import.range)
                        .map(|dot| self.locator.span(dot)),
                };
                for alias in &import.names {
                    self.record_import(
                        ImportStatement::ImportFrom,
                        module,
                        module_span,
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

    fn visit_expr_here(&mut self, expr: &'ast Expr) {
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
        let saved = self.context;
        let outer_scope = self.push_scope(&class.name);
        if self.wanted.has(FactSet::CLASSES) {
            let bases = class
                .bases()
                .iter()
                .map(|base| dotted(base).unwrap_or_else(|| self.text[base.range()].to_string()))
                .collect();
            self.facts.classes.push(ClassDef {
                name: self.scope.clone(),
                bases,
                span: self.locator.span(class.name.range),
            });
        }
        // A class body runs when the class statement does: not a function,
        // but no longer module-level statements either.
        self.context.module_level = false;
        self.visit_body(&class.body);
        self.pop_scope(outer_scope);
        self.context = saved;
    }

    fn visit_conditional_body(&mut self, body: &'ast [Stmt]) {
        let saved = self.context;
        self.context.conditional = true;
        self.visit_body(body);
        self.context = saved;
    }

    fn visit_call(&mut self, call: &'ast ExprCall, awaited: bool) {
        if self.wanted.has(FactSet::CALLS) {
            self.record_call(call, awaited);
        }
        if let Some((module, level)) = self.dynamic_import(call) {
            self.facts.imports.push(Import {
                statement: ImportStatement::Dynamic,
                module: module.into(),
                level,
                name: None,
                alias: None,
                span: self.locator.span(call.range()),
                module_span: None,
                scope: self.scope_name(),
                context: self.import_context(false),
            });
        }
        self.visit_expr(&call.func);
        self.visit_arguments(&call.arguments);
    }

    fn record_call(&mut self, call: &ExprCall, awaited: bool) {
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
        let headers: Vec<&Expr> = match stmt {
            Stmt::If(stmt_if) => std::iter::once(&*stmt_if.test)
                .chain(
                    stmt_if
                        .elif_else_clauses
                        .iter()
                        .filter_map(|c| c.test.as_ref()),
                )
                .collect(),
            Stmt::While(stmt_while) => vec![&*stmt_while.test],
            Stmt::For(stmt_for) => vec![&*stmt_for.iter],
            Stmt::With(with) => with.items.iter().map(|item| &item.context_expr).collect(),
            Stmt::Assert(assert) => std::iter::once(&*assert.test)
                .chain(assert.msg.as_deref())
                .collect(),
            // Default values are evaluated when the `def` runs, not when the
            // function is called.
            Stmt::FunctionDef(def) => def
                .parameters
                .iter_non_variadic_params()
                .filter_map(|parameter| parameter.default())
                .collect(),
            _ => Vec::new(),
        };
        let mut calls = OuterCalls::default();
        for header in headers {
            calls.visit_expr(header);
        }
        for call in calls.0 {
            self.facts.module_statements.push(ModuleStatement {
                kind: StatementKind::HeaderCall,
                callee: dotted(&call.func),
                span: self.locator.span(call.range()),
                main_guard: self.context.main_guard,
                type_checking: self.context.type_checking,
            });
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

/// The calls of an expression that no other call of it holds (`load()` in
/// `if not settings.load(x()):`), outside lambdas, which run later.
#[derive(Default)]
struct OuterCalls<'ast>(Vec<&'ast ExprCall>);

impl<'ast> SourceOrderVisitor<'ast> for OuterCalls<'ast> {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            Expr::Call(call) => self.0.push(call),
            Expr::Lambda(_) => {}
            _ => walk_expr(self, expr),
        }
    }
}

fn contains(names: &FxHashSet<String>, name: &str) -> bool {
    names.contains(name)
}
