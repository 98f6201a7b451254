//! Classes: dotted names and bases.

use super::facts;
use crate::span::Position;

#[test]
fn classes_are_dotted_within_the_file_with_bases_as_written() {
    let source = "\
class Outer(Base, models.Model, metaclass=M):
    class Inner(Generic[T]):
        pass
def factory():
    class Local:
        pass
";
    let classes: Vec<_> = facts(source)
        .classes
        .into_iter()
        .map(|c| (c.name, c.bases, c.span.start))
        .collect();
    assert_eq!(
        classes,
        vec![
            (
                "Outer".to_string(),
                vec!["Base".to_string(), "models.Model".to_string()],
                Position { line: 1, column: 7 }
            ),
            (
                "Outer.Inner".to_string(),
                vec!["Generic[T]".to_string()],
                Position {
                    line: 2,
                    column: 11
                }
            ),
            (
                "factory.Local".to_string(),
                vec![],
                Position {
                    line: 5,
                    column: 11
                }
            ),
        ]
    );
}
