//! Output helpers: aligned tables for people, JSON for programs.

use std::io::Write;

/// A cell as printed: control characters (escape sequences, newlines) and
/// invisible formatting characters (bidirectional overrides) are shown as
/// `\u{…}` escapes, so stored text cannot rewrite the operator's terminal or
/// disguise itself.
pub(crate) fn escape_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || keywarden_core::names::is_invisible_format(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Prints rows as a table with a header, columns aligned. Cells are
/// escaped with [`escape_cell`].
pub(crate) fn table(
    out: &mut impl Write,
    header: &[&str],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| escape_cell(c)).collect())
        .collect();
    let rows = &rows;
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == last {
                    (*c).to_owned()
                } else {
                    format!("{c:<width$}", width = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

/// Pretty JSON on one output.
pub(crate) fn json(out: &mut impl Write, value: &serde_json::Value) -> anyhow::Result<()> {
    writeln!(out, "{}", serde_json::to_string_pretty(value)?)?;
    Ok(())
}

/// A JSON field as display text (`-` when absent).
pub(crate) fn field(value: &serde_json::Value, name: &str) -> String {
    match &value[name] {
        serde_json::Value::Null => "-".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            if items.is_empty() {
                "-".to_owned()
            } else {
                items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(",")
            }
        }
        other => other.to_string(),
    }
}

/// An optional text as a cell: `-` when absent (as [`field`] shows null).
pub(crate) fn opt(text: Option<&str>) -> String {
    text.map_or_else(|| "-".to_owned(), str::to_owned)
}

/// An optional number as a cell: `-` when absent.
pub(crate) fn opt_num(n: Option<i64>) -> String {
    n.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

/// A list as a cell: its items joined by `,`, `-` when empty (as [`field`]
/// shows an array).
pub(crate) fn list(items: &[String]) -> String {
    if items.is_empty() {
        "-".to_owned()
    } else {
        items.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_escape_control_and_invisible_characters() {
        let mut out = Vec::new();
        table(
            &mut out,
            &["A", "B"],
            &[vec![
                "x\u{1b}[2J\nfake row".to_owned(),
                "r\u{202E}txt".to_owned(),
            ]],
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202E}'));
        assert!(text.contains("x\\u{1b}[2J\\u{a}fake row"), "{text}");
        assert!(text.contains("r\\u{202e}txt"), "{text}");
    }
}
