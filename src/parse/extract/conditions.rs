//! The tests of `if` clauses: `TYPE_CHECKING` (and its negation and aliases)
//! and the `__main__` guard, and how each changes the walk's context.

use ruff_python_ast::visitor::source_order::SourceOrderVisitor;
use ruff_python_ast::{CmpOp, Expr, StmtIf, UnaryOp};

use super::{Context, Extractor, contains};

/// What the test of an `if` clause means to the walk.
enum Test {
    TypeChecking,
    NotTypeChecking,
    MainGuard,
    Other,
}

impl<'ast> Extractor<'_, '_, 'ast> {
    /// The clauses of an `if` chain. `if TYPE_CHECKING:` makes its body
    /// type-only and leaves the later clauses at run time; `if not
    /// TYPE_CHECKING:` is the mirror image. Neither makes a block
    /// `conditional`, since at run time (or for a type checker) the branch
    /// taken is fixed.
    pub(super) fn visit_if(&mut self, stmt_if: &'ast StmtIf) {
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
}

/// `__name__ == "__main__"`, either way round.
fn is_main_guard(left: &Expr, right: &Expr) -> bool {
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    (is_name(left) && is_main(right)) || (is_main(left) && is_name(right))
}
