//! `diff`: what changed between two snapshots. Both entry lists come in
//! walk order, so they are merged in one pass, an entry of each at a time.

use std::cmp::Ordering;

use serde::Serialize;

use super::{shown_path, walk_order, Entries};
use crate::repo::format::Entry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the second snapshot.
    Added,
    /// Only in the first.
    Removed,
    /// In both, with other content (chunk IDs), kind, mode or symlink target.
    Changed,
}

impl Change {
    pub fn sign(self) -> char {
        match self {
            Change::Added => '+',
            Change::Removed => '-',
            Change::Changed => 'M',
        }
    }
}

/// Whether the same path holds something else: its content (chunk IDs,
/// keyed hashes of the bytes), kind, mode or symlink target. A new mtime
/// over the same bytes is no change.
pub fn differs(a: &Entry, b: &Entry) -> bool {
    a.kind != b.kind || a.mode != b.mode || a.target != b.target || a.chunks != b.chunks
}

/// Merges `from` and `to`, handing each difference to `each` in walk
/// order. A list out of walk order is refused: merging it would report
/// paths that did not change.
pub fn diff(
    from: Entries<'_>,
    to: Entries<'_>,
    mut each: impl FnMut(Change, &Entry) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut from = Ordered::new(from, "first");
    let mut to = Ordered::new(to, "second");
    let (mut a, mut b) = (from.next()?, to.next()?);
    loop {
        let order = match (&a, &b) {
            (None, None) => return Ok(()),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(x), Some(y)) => walk_order(&x.path, &y.path),
        };
        match order {
            Ordering::Less => {
                each(Change::Removed, a.as_ref().expect("an entry"))?;
                a = from.next()?;
            }
            Ordering::Greater => {
                each(Change::Added, b.as_ref().expect("an entry"))?;
                b = to.next()?;
            }
            Ordering::Equal => {
                let (x, y) = (a.as_ref().expect("an entry"), b.as_ref().expect("an entry"));
                if differs(x, y) {
                    each(Change::Changed, y)?;
                }
                (a, b) = (from.next()?, to.next()?);
            }
        }
    }
}

/// Entries, each checked to come after the one before it.
struct Ordered<'a> {
    entries: Entries<'a>,
    last: Option<Vec<u8>>,
    which: &'static str,
}

impl<'a> Ordered<'a> {
    fn new(entries: Entries<'a>, which: &'static str) -> Ordered<'a> {
        Ordered {
            entries,
            last: None,
            which,
        }
    }

    fn next(&mut self) -> anyhow::Result<Option<Entry>> {
        let Some(entry) = self.entries.next().transpose()? else {
            return Ok(None);
        };
        if let Some(last) = &self.last {
            anyhow::ensure!(
                walk_order(last, &entry.path) == Ordering::Less,
                "the {} snapshot's entries are not in walk order ({:?} after {:?}); run `crossing check --read-data`",
                self.which,
                shown_path(&entry.path),
                shown_path(last)
            );
        }
        self.last = Some(entry.path.clone());
        Ok(Some(entry))
    }
}
