//! Import statements and dynamic imports (`importlib.import_module`,
//! `__import__`): the [`Import`] facts and the local names they bind.

use ruff_python_ast::{Alias, Expr, ExprCall};
use ruff_text_size::{TextRange, TextSize};

use super::{Extractor, contains};
use crate::facts::{Import, ImportContext, ImportStatement};
use crate::span::Span;

impl<'ast> Extractor<'_, '_, 'ast> {
    /// `(module, level)` of `importlib.import_module("a.b")`,
    /// `import_module(".x", package=__package__)` or `__import__("a.b")`.
    pub(super) fn dynamic_import(&self, call: &ExprCall) -> Option<(String, u32)> {
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

    pub(super) fn record_import(
        &mut self,
        statement: ImportStatement,
        from_module: &str,
        module_span: Option<Span>,
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
            ImportStatement::ImportFrom => (from_module, Some(Box::from(name))),
            _ => (name, None),
        };
        self.facts.imports.push(Import {
            statement,
            module: Box::from(module),
            level,
            name,
            alias: asname.map(Box::from),
            span: self.locator.span(alias.range),
            module_span,
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
        if !list.contains(local) {
            list.insert(local.to_string());
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
        if local != "*" {
            self.imported.insert(local);
        }
    }

    /// The first dot of `from . import x` (whose module has no name to
    /// point at), within the statement at `statement`.
    pub(super) fn leading_dot(&self, statement: TextRange) -> Option<TextRange> {
        let text = self
            .text
            .get(statement.start().to_usize()..statement.end().to_usize())?;
        let offset = TextSize::try_from(text.find('.')?).ok()?;
        let start = statement.start() + offset;
        Some(TextRange::at(start, TextSize::from(1)))
    }

    pub(super) fn import_context(&self, lazy: bool) -> ImportContext {
        ImportContext {
            in_function: self.context.in_function,
            type_checking: self.context.type_checking,
            in_try: self.context.in_try,
            conditional: self.context.conditional,
            lazy,
        }
    }
}
