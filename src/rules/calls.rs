//! What a call writes through, shared by `db-write` and `model-ownership`:
//! the binding a name had before a call, the call a binding holds, and the
//! call a method chain starts from. Calls are in source order, so these
//! are searches in sorted slices.

use crate::facts::{Binding, Call, FileFacts};
use crate::span::{Position, Span};

/// The last binding of `target` in `scope` that starts before `before`.
pub fn binding_before<'f>(
    facts: &'f FileFacts,
    target: &str,
    scope: &str,
    before: Position,
) -> Option<&'f Binding> {
    facts.bindings.iter().rev().find(|binding| {
        &*binding.target == target && &*binding.scope == scope && binding.span.start < before
    })
}

/// The call whose result `binding` binds (the root of a method chain).
pub fn bound_call<'f>(facts: &'f FileFacts, binding: &Binding) -> Option<&'f Call> {
    call_within(&facts.calls, binding.span, &binding.callee)
}

/// The first call of `callee` inside `span`. `calls` is in source order, so
/// sorted by where each call starts.
pub fn call_within<'f>(calls: &'f [Call], span: Span, callee: &str) -> Option<&'f Call> {
    let first = calls.partition_point(|call| call.span.start < span.start);
    calls[first..]
        .iter()
        .take_while(|call| call.span.start < span.end)
        .find(|call| call.callee.as_deref() == Some(callee) && within(span, call.span))
}

/// The call a method chain on a call starts from: `session.query(T)` for
/// `session.query(T).filter(...).delete()` (`calls[index]`). The calls of a
/// chain start where it starts and follow it in pre-order.
pub fn chain_root(calls: &[Call], index: usize) -> Option<&Call> {
    let start = calls[index].span.start;
    calls[index + 1..]
        .iter()
        .take_while(|inner| inner.span.start == start)
        .find(|inner| inner.callee.is_some())
}

/// Whether `inner` lies inside `outer`.
pub fn within(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_compares_both_ends() {
        let at = |line, column| Position { line, column };
        let outer = Span {
            start: at(1, 1),
            end: at(1, 20),
        };
        let inner = Span {
            start: at(1, 5),
            end: at(1, 10),
        };
        assert!(within(outer, inner));
        assert!(within(outer, outer));
        assert!(!within(inner, outer));
    }
}
