//! Removes a title repeated at the top of the text. With a `title` field,
//! every leading line equal to it goes (the title is kept in its field);
//! without one, a first line that the next non-empty line repeats is the
//! duplicate, and the repeat stays as the title.

use crate::lines::{comparable, is_blank, split_lines};
use crate::report::Change;
use std::borrow::Cow;

pub fn apply<'t>(text: &'t str, title: Option<&str>) -> (Cow<'t, str>, Change) {
    let mut change = Change::default();
    let mut lines: Vec<&str> = split_lines(text).collect();
    match title.map(comparable).filter(|title| !title.is_empty()) {
        Some(title) => {
            while let Some(first) = lines.iter().position(|line| !is_blank(line)) {
                if comparable(lines[first]) != title {
                    break;
                }
                change.record(lines.remove(first).trim());
            }
        }
        None => {
            let mut non_blank = lines.iter().enumerate().filter(|(_, line)| !is_blank(line));
            if let (Some((first, first_line)), Some((_, next_line))) =
                (non_blank.next(), non_blank.next())
            {
                if comparable(first_line) == comparable(next_line) {
                    change.record(lines.remove(first).trim());
                }
            }
        }
    }
    if change.count == 0 {
        return (Cow::Borrowed(text), change);
    }
    (Cow::Owned(lines.join("\n")), change)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_line_repeated_next_goes_once() {
        let (text, change) = apply("Заголовок\n\n  заголовок \nТекст.", None);
        assert_eq!(text, "\n  заголовок \nТекст.");
        assert_eq!(change.changed, ["Заголовок"]);
    }

    #[test]
    fn lines_equal_to_the_title_field_go() {
        let (text, change) = apply("Title\nTitle\nBody.", Some("title"));
        assert_eq!(text, "Body.");
        assert_eq!(change.count, 2);
    }

    #[test]
    fn distinct_first_lines_stay() {
        let text = "Первая строка.\n\nВторая строка.";
        assert_eq!(apply(text, None).0, text);
    }
}
