//! Assignment targets: a [`Binding`] of a call's result to a name, and a
//! [`Store`] that writes through an imported name.

use ruff_python_ast::Expr;
use ruff_text_size::TextRange;

use super::Extractor;
use super::expressions::{call_of, dotted, is_name_chain, root_callee, root_name};
use crate::facts::{Binding, FactSet, Store, StoreForm};

impl Extractor<'_, '_, '_> {
    /// A [`Binding`] for `target = value` when the target is a name chain
    /// and the value a call (or an awaited call) with a dotted root.
    pub(super) fn record_binding(&mut self, target: &Expr, value: &Expr, range: TextRange) {
        if !self.wanted.has(FactSet::BINDINGS) || !is_name_chain(target) {
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
    pub(super) fn record_store(&mut self, target: &Expr, form: StoreForm, range: TextRange) {
        if !self.wanted.has(FactSet::STORES) {
            return;
        }
        // Targets nest (`((a, b), c) = …`) as deep as the input says.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            self.record_store_here(target, form, range);
        });
    }

    fn record_store_here(&mut self, target: &Expr, form: StoreForm, range: TextRange) {
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
}
