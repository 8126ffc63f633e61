//! docs/json.md as a contract: its `fields` blocks, parsed, and a check of
//! a command's `--json` output against one (see the document's header for
//! the notation).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// One step of a field's path: an object's field, or every array element.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Key(String),
    Each,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// As written in the document, for messages.
    pub name: String,
    pub path: Vec<Step>,
    /// Allowed JSON types: string, integer, number, boolean, array, object, null.
    pub types: Vec<String>,
    /// May be absent (a `?` after the name).
    pub optional: bool,
}

/// Every `fields NAME` block of docs/json.md, by NAME.
pub fn documented() -> BTreeMap<String, Vec<Field>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md");
    let text = std::fs::read_to_string(path).expect("docs/json.md");
    let mut blocks = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix("```fields ") else {
            continue;
        };
        let fields: Vec<Field> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .map(|l| parse_field(name, l))
            .collect();
        assert!(
            blocks.insert(name.trim().to_string(), fields).is_none(),
            "docs/json.md: two blocks for {name}"
        );
    }
    blocks
}

fn parse_field(block: &str, line: &str) -> Field {
    let (name, rest) = line.split_once(": ").unwrap_or_else(|| {
        panic!("docs/json.md, block {block}: `PATH: TYPE — …` expected, got {line:?}")
    });
    let ty = rest.split_whitespace().next().unwrap_or_default();
    let types: Vec<String> = ty.split('|').map(str::to_string).collect();
    for t in &types {
        assert!(
            ["string", "integer", "number", "boolean", "array", "object", "null"]
                .contains(&t.as_str()),
            "docs/json.md, block {block}: unknown type {t:?} in {line:?}"
        );
    }
    let (bare, optional) = match name.strip_suffix('?') {
        Some(b) => (b, true),
        None => (name, false),
    };
    let path = bare
        .replace("[]", ".[]")
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s == "[]" {
                Step::Each
            } else {
                Step::Key(s.to_string())
            }
        })
        .collect::<Vec<_>>();
    assert!(
        matches!(path.last(), Some(Step::Key(_))),
        "docs/json.md, block {block}: {name:?} must end with a field name"
    );
    Field {
        name: name.to_string(),
        path,
        types,
        optional,
    }
}

/// The values at `steps` below `root` (absent and null ones are skipped:
/// their children are not there to check); a step that does not fit the
/// value (an object's field on an array) is an error.
fn reach<'a>(root: &'a Value, steps: &[Step], errors: &mut Vec<String>) -> Vec<&'a Value> {
    let mut here = vec![root];
    for (i, step) in steps.iter().enumerate() {
        let mut next = Vec::new();
        for v in here {
            match (step, v) {
                (_, Value::Null) => {}
                (Step::Each, Value::Array(items)) => next.extend(items),
                (Step::Key(k), Value::Object(map)) => next.extend(map.get(k)),
                _ => errors.push(format!("{}: {v} is not {step:?}", show(&steps[..=i]))),
            }
        }
        here = next;
    }
    here
}

fn show(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| match s {
            Step::Key(k) => format!(".{k}"),
            Step::Each => "[]".into(),
        })
        .collect()
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks `output` against the documented `fields`: every field there
/// (unless optional) with one of its types, and no field that is not
/// documented in an object whose fields are. Returns the names of the
/// fields seen, for the caller to tell which were never exercised.
#[track_caller]
pub fn check(block: &str, fields: &[Field], output: &Value) -> BTreeSet<String> {
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    let mut children: BTreeMap<&[Step], BTreeSet<&str>> = BTreeMap::new();
    for f in fields {
        let (parent, last) = f.path.split_at(f.path.len() - 1);
        let Step::Key(key) = &last[0] else {
            unreachable!()
        };
        children.entry(parent).or_default().insert(key);
        for p in reach(output, parent, &mut errors) {
            let Value::Object(map) = p else {
                if p.is_null() {
                    continue; // a documented `object|null`
                }
                errors.push(format!("{}: {p} is not an object", f.name));
                continue;
            };
            match map.get(key) {
                None if f.optional => {}
                None => errors.push(format!("{} is missing", f.name)),
                Some(v) => {
                    seen.insert(f.name.clone());
                    let t = type_of(v);
                    // An integer is a number too.
                    let fits = f
                        .types
                        .iter()
                        .any(|ty| ty == t || (ty == "number" && t == "integer"));
                    if !fits {
                        errors.push(format!(
                            "{} is {t} ({v}), documented as {}",
                            f.name,
                            f.types.join("|")
                        ));
                    }
                }
            }
        }
    }
    for (parent, keys) in &children {
        for p in reach(output, parent, &mut errors) {
            if let Value::Object(map) = p {
                for k in map.keys().filter(|k| !keys.contains(k.as_str())) {
                    errors.push(format!("{}.{k} is not documented", show(parent)));
                }
            }
        }
    }
    assert!(
        errors.is_empty(),
        "`{block}` --json output does not match docs/json.md:\n  {}\n--- output\n{output:#}",
        errors.join("\n  ")
    );
    seen
}
