//! Unit tests of format-3 lists: refs, cutting, and what an older reader sees.

use super::*;
use proptest::prelude::*;

#[test]
fn a_ref_is_80_bytes_and_reads_back() {
    let entry = IndexEntry {
        id: [7; 32],
        offset: 123_456,
        length: 4000,
        raw_length: 4096,
    };
    let r = BlobRef::new(&"ab".repeat(32), 9_000_000, &entry).unwrap();
    let mut out = Vec::new();
    r.write(&mut out);
    assert_eq!(out.len(), REF_LEN);
    assert_eq!(BlobRef::read(out.as_slice().try_into().unwrap()), r);
    assert_eq!(r.entry(), entry);
    assert_eq!(r.pack_name(), "ab".repeat(32));
}

#[test]
fn parts_cover_the_stream_and_an_edit_moves_few_of_them() {
    let stream: Vec<u8> = (0..2_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let parts: Vec<&[u8]> = cut(&stream).collect();
    assert_eq!(parts.concat(), stream);
    assert!(parts.iter().all(|p| p.len() <= PART_MAX as usize));
    let mut edited = stream.clone();
    edited[1_000_000] ^= 0xff;
    let before: std::collections::HashSet<&[u8]> = parts.iter().copied().collect();
    let changed = cut(&edited).filter(|p| !before.contains(p)).count();
    assert!(changed <= 2, "{changed} parts changed for one byte");
}

/// A FIFO and a hard link as the stream holds them, read by this
/// reader and by one that knows neither (the version-3 reader before
/// them): that one still decodes every entry, seeing an empty file and
/// a copy.
#[test]
fn fifos_and_hard_links_read_by_an_older_reader() {
    #[derive(Deserialize)]
    struct Older {
        kind: Kind,
        size: u64,
        #[serde(with = "serde_bytes", default)]
        blobs: Vec<u8>,
    }
    let entry = |path: &[u8], size: u64, blobs: Vec<u8>, link: &[u8], fifo: bool| StoredEntry {
        path: path.to_vec(),
        kind: Kind::File,
        mode: 0o600,
        mtime_ns: 1,
        size,
        target: vec![],
        blobs,
        link: link.to_vec(),
        fifo,
    };
    let stream: Vec<u8> = [
        entry(b"pipe", 0, vec![], b"", true),
        entry(b"a", 5, vec![7; REF_LEN], b"", false),
        entry(b"b", 5, vec![7; REF_LEN], b"a", false),
    ]
    .iter()
    .flat_map(|e| {
        let mut out = Vec::new();
        ciborium::into_writer(e, &mut out).unwrap();
        out
    })
    .collect();
    let now = decode_entries(&stream).unwrap();
    assert_eq!(now[0].kind(), Kind::Fifo);
    assert_eq!(
        (now[2].kind(), now[2].link.as_slice()),
        (Kind::File, &b"a"[..])
    );
    let mut rest = stream.as_slice();
    let mut older = Vec::new();
    while !rest.is_empty() {
        older.push(ciborium::from_reader::<Older, _>(&mut rest).unwrap());
    }
    assert_eq!(older[0].kind, Kind::File);
    assert_eq!((older[0].size, older[0].blobs.len()), (0, 0));
    assert_eq!((older[2].size, older[2].blobs.len()), (5, REF_LEN));
    // Entries without them keep their bytes (the vectors check them too).
    let plain = entry(b"a", 0, vec![], b"", false);
    let mut out = Vec::new();
    ciborium::into_writer(&plain, &mut out).unwrap();
    assert!(!contains(&out, b"fifo") && !contains(&out, b"link"));
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

proptest! {
    #[test]
    fn decoding_arbitrary_streams_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_entries(&bytes);
    }
}
