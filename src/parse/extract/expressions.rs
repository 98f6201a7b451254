//! Free functions over expressions: dotted names, name chains, the calls
//! they start from, and the literal text kept of a call's first argument.

use ruff_python_ast::{
    Expr, ExprCall, FStringPart, FStringValue, InterpolatedStringElement, Operator,
};

use crate::facts::Argument;
use crate::sql;

/// Longest string literal kept in an [`Argument::Str`], in characters.
const MAX_STR_ARGUMENT: usize = 64;

/// How many wrapper calls deep SQL text is looked for:
/// `execute(wrap(text("UPDATE …")))` is two.
const MAX_SQL_WRAPPERS: usize = 4;

/// The call of `f()` or `await f()`.
pub(super) fn call_of(expr: &Expr) -> Option<&ExprCall> {
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
pub(super) fn dotted(expr: &Expr) -> Option<String> {
    // A loop, not recursion: `a.b.c…` can be thousands of attributes long.
    let mut attributes = Vec::new();
    let mut expr = expr;
    let root = loop {
        match expr {
            Expr::Name(name) => break name.id.as_str(),
            Expr::Attribute(attribute) => {
                attributes.push(attribute.attr.as_str());
                expr = &attribute.value;
            }
            _ => return None,
        }
    };
    let mut out = String::from(root);
    for attribute in attributes.iter().rev() {
        out.push('.');
        out.push_str(attribute);
    }
    Some(out)
}

/// Whether `expr` is a name or a chain of attributes on one.
pub(super) fn is_name_chain(expr: &Expr) -> bool {
    root_name(expr).is_some()
}

/// `a` for `a`, `a.b` and `a.b.c`; `None` when the chain does not start
/// with a name (`f().b`, `x[0].b`).
pub(super) fn root_name(expr: &Expr) -> Option<&str> {
    let mut expr = expr;
    loop {
        match expr {
            Expr::Name(name) => return Some(&name.id),
            Expr::Attribute(attribute) => expr = &attribute.value,
            _ => return None,
        }
    }
}

pub(super) fn argument(expr: &Expr) -> Argument {
    match expr {
        Expr::Name(_) | Expr::Attribute(_) => dotted(expr).map_or(Argument::Other, Argument::Name),
        Expr::Call(call) => {
            if let Some(sql) = sql_text(call, MAX_SQL_WRAPPERS) {
                return Argument::Str(sql);
            }
            root_callee(call).map_or(Argument::Other, Argument::Call)
        }
        _ => literal_prefix(expr).map_or(Argument::Other, Argument::Str),
    }
}

/// The literal text of a string (its first [`MAX_STR_ARGUMENT`]
/// characters), or of an f-string up to its first replacement field; `None`
/// for anything else, or for an f-string that starts with a replacement
/// field. A concatenation or `%`-formatting (`"UPDATE t SET " + rest`,
/// `"DELETE FROM t WHERE id = %s" % key`) starts with its left operand.
fn literal_prefix(expr: &Expr) -> Option<String> {
    // A loop, not recursion: `"a" + b + c + …` nests to the left, as deep
    // as the file is long.
    let mut expr = expr;
    while let Expr::BinOp(operation) = expr
        && matches!(operation.op, Operator::Add | Operator::Mod)
    {
        expr = &operation.left;
    }
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

/// The SQL text a call carries: the literal first argument of SQLAlchemy's
/// `text("...")` (any callee whose last name is `text`: `text`, `sa.text`,
/// `sqlalchemy.text`), or of any other wrapper (`sql_text("UPDATE …")`,
/// `wrap(text("…"))`, up to `depth` wrappers deep) when the literal opens
/// with an SQL statement keyword; also `"UPDATE …".format(...)`. A method
/// chain on the call (`text("…").bindparams(...)`) carries its root's SQL.
fn sql_text(call: &ExprCall, depth: usize) -> Option<String> {
    if let Expr::Attribute(attribute) = &*call.func
        && attribute.attr.as_str() == "format"
        && let Some(literal) = literal_prefix(&attribute.value)
    {
        return sql::opens_a_statement(&literal).then_some(literal);
    }
    let root = chain_root(call)?;
    let last = match &*root.func {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return None,
    };
    let first = root.arguments.args.first()?;
    if let Some(literal) = literal_prefix(first) {
        return (last == "text" || sql::opens_a_statement(&literal)).then_some(literal);
    }
    match first {
        Expr::Call(inner) if depth > 1 => sql_text(inner, depth - 1),
        _ => None,
    }
}

/// The dotted callee of a call, or for a method chain on a call
/// (`insert(T).values(...)`) the callee of the call the chain starts from.
/// A call of a call's result (`sessionmaker()()`) has none: its value is not
/// what the inner callee makes.
pub(super) fn root_callee(call: &ExprCall) -> Option<String> {
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
