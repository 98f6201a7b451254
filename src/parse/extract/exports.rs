//! `__all__`: the names `from m import *` takes from a module, read from the
//! module-level statements that bind or extend it with string literals.

use ruff_python_ast::{Expr, Operator, Stmt};

/// What the module-level statements seen so far make of `__all__`.
#[derive(Default)]
pub(super) enum Exports {
    /// Not bound yet.
    #[default]
    Unbound,
    Names(Vec<String>),
    /// Bound or changed in a way gate cannot read (`__all__ = base.__all__ +
    /// [...]`); later statements cannot make it readable again.
    Unreadable,
}

impl Exports {
    /// Takes in one module-level statement: `__all__ = [...]` (or a tuple,
    /// annotated or not), `__all__ += [...]`, `__all__.extend([...])`,
    /// `__all__.append("name")`. Any other statement leaves it as it is.
    pub(super) fn record(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Assign(assign) if assign.targets.iter().any(is_all) => {
                *self = match (assign.targets.len(), literal_names(&assign.value)) {
                    (1, Some(names)) => Exports::Names(names),
                    _ => Exports::Unreadable,
                };
            }
            Stmt::AnnAssign(assign) if is_all(&assign.target) => {
                *self = match assign.value.as_deref().and_then(literal_names) {
                    Some(names) => Exports::Names(names),
                    None => Exports::Unreadable,
                };
            }
            Stmt::AugAssign(assign) if is_all(&assign.target) => {
                let added = (assign.op == Operator::Add)
                    .then(|| literal_names(&assign.value))
                    .flatten();
                self.extend(added);
            }
            Stmt::Expr(expr) => {
                let Expr::Call(call) = &*expr.value else {
                    return;
                };
                let Expr::Attribute(attribute) = &*call.func else {
                    return;
                };
                if !is_all(&attribute.value) {
                    return;
                }
                let arguments = &call.arguments;
                let only = match (&*arguments.args, &*arguments.keywords) {
                    ([only], []) => Some(only),
                    _ => None,
                };
                let added = match attribute.attr.as_str() {
                    "extend" => only.and_then(literal_names),
                    "append" => only.and_then(literal_name).map(|name| vec![name]),
                    _ => None,
                };
                self.extend(added);
            }
            Stmt::Delete(delete) if delete.targets.iter().any(is_all) => {
                *self = Exports::Unreadable;
            }
            _ => {}
        }
    }

    fn extend(&mut self, added: Option<Vec<String>>) {
        match (&mut *self, added) {
            (Exports::Names(names), Some(added)) => names.extend(added),
            _ => *self = Exports::Unreadable,
        }
    }

    /// The names, when every statement that touched `__all__` could be read.
    pub(super) fn into_names(self) -> Option<Vec<String>> {
        match self {
            Exports::Names(names) => Some(names.clone()),
            Exports::Unbound | Exports::Unreadable => None,
        }
    }
}

fn is_all(expr: &Expr) -> bool {
    matches!(expr, Expr::Name(name) if name.id.as_str() == "__all__")
}

/// The strings of a list or tuple of string literals.
fn literal_names(expr: &Expr) -> Option<Vec<String>> {
    let elements = match expr {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        _ => return None,
    };
    elements.iter().map(literal_name).collect()
}

fn literal_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(literal) => Some(literal.value.to_str().to_string()),
        _ => None,
    }
}
