//! The decoders of store data against arbitrary, mutated and hostile bytes.

use std::io::{Read, Write};

use proptest::prelude::*;

use super::*;

fn entry(path: &[u8], kind: Kind) -> Entry {
    Entry {
        path: path.to_vec(),
        kind,
        mode: 0o644,
        mtime_ns: 0,
        size: 0,
        target: vec![],
        chunks: vec![],
        link: vec![],
    }
}

fn snapshot(entries: Vec<Entry>) -> Snapshot {
    Snapshot {
        version: VERSION,
        time: 1,
        nanos: 2,
        tags: vec!["t".into()],
        expires_at: None,
        files: 0,
        bytes: 0,
        entries,
    }
}

fn index_entry(offset: u64, length: u32, raw_length: u32) -> IndexEntry {
    IndexEntry {
        id: [7; 32],
        offset,
        length,
        raw_length,
    }
}

/// A pack payload of two blobs (one zstd, one raw) and its chunks.
fn pack() -> (Vec<u8>, [u8; 32], Vec<Vec<u8>>) {
    let key = [3u8; 32];
    let chunks = vec![b"z".repeat(5000), (0..=255u8).collect::<Vec<u8>>()];
    let mut payload = zstd::bulk::compress(&chunks[0], 3).unwrap();
    let first = payload.len() as u32;
    payload.extend_from_slice(&chunks[1]);
    let header = PackHeader {
        version: VERSION,
        chunks: vec![
            IndexEntry {
                id: chunk_id(&key, &chunks[0]),
                offset: 0,
                length: first,
                raw_length: 5000,
            },
            IndexEntry {
                id: chunk_id(&key, &chunks[1]),
                offset: first as u64,
                length: 256,
                raw_length: 256,
            },
        ],
    };
    let cbor = to_cbor(&header).unwrap();
    payload.extend_from_slice(&cbor);
    payload.extend_from_slice(&(cbor.len() as u32).to_le_bytes());
    (payload, key, chunks)
}

/// Every decoder of store data, fed `bytes`: none may panic.
fn decode_everything(bytes: &[u8]) {
    let _ = decode_compressed_at_most::<Snapshot>(bytes, 1 << 20);
    let _ = decode_compressed_at_most::<Index>(bytes, 1 << 20);
    let _ = from_cbor::<Config>(bytes);
    let _ = from_cbor::<Snapshot>(bytes).map(|s| s.check());
    let _ = from_cbor::<Index>(bytes).map(|i| i.check(u64::MAX));
    if let Ok(header) = split_pack(bytes) {
        for e in &header.chunks {
            let blob = blob(bytes, e).expect("a header entry lies in its pack");
            let _ = open_blob(&[0; 32], e, blob);
        }
    }
}

/// zstd of `prefix` then `len` times `byte`, streamed (no content size).
fn bomb(prefix: &[u8], byte: u8, len: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let content = prefix.chain(std::io::repeat(byte).take(len));
    zstd::stream::copy_encode(content, &mut out, 1).unwrap();
    out
}

#[test]
fn the_blob_bound_is_zstds() {
    assert_eq!(
        MAX_BLOB_LENGTH as usize,
        zstd::zstd_safe::compress_bound(CHUNK_MAX as usize)
    );
}

#[test]
fn a_compression_bomb_stops_at_the_bound() {
    let max = 1 << 20;
    // Zeros: not CBOR that could become a manifest; fails at once.
    let zeros = bomb(b"", 0, 64 << 20);
    assert!(decode_compressed_at_most::<Snapshot>(&zeros, max).is_err());
    // A map of unknown keys and values (texts of 120 `x`s) parses on and
    // on: stopped at the bound, or at once if the frame declares its size.
    let endless = bomb(&[0xbf], b'x', 64 << 20);
    let mut declared = vec![0xbf];
    declared.resize(2 << 20, b'x');
    let declared = zstd::bulk::compress(&declared, 1).unwrap();
    for frame in [endless, declared] {
        for e in [
            decode_compressed_at_most::<Snapshot>(&frame, max).unwrap_err(),
            decode_compressed_at_most::<Index>(&frame, max).unwrap_err(),
        ] {
            assert!(
                e.to_string()
                    .contains("decompresses to more than 1048576 bytes"),
                "{e}"
            );
        }
    }
    // What fits the bound decodes, even at exactly the bound.
    let s = snapshot(vec![entry(b"", Kind::Dir)]);
    let cbor = to_cbor(&s).unwrap();
    let exact = zstd::bulk::compress(&cbor, 3).unwrap();
    let decoded: Snapshot = decode_compressed_at_most(&exact, cbor.len() as u64).unwrap();
    assert_eq!(decoded, s);
    assert!(decode_compressed_at_most::<Snapshot>(&exact, cbor.len() as u64 - 1).is_err());
}

#[test]
fn a_frame_asking_for_a_large_window_is_refused() {
    let cbor = to_cbor(&snapshot(vec![])).unwrap();
    let mut z = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    z.window_log(ZSTD_WINDOW_LOG_MAX + 4).unwrap();
    z.write_all(&cbor).unwrap();
    let wide = z.finish().unwrap();
    let e = decode_compressed::<Snapshot>(&wide).unwrap_err();
    assert!(e.to_string().contains("memory"), "{e}");
    let normal = encode_compressed(&snapshot(vec![])).unwrap();
    assert!(decode_compressed::<Snapshot>(&normal).is_ok());
}

#[test]
fn too_many_tags_are_refused_while_decoding() {
    let mut s = snapshot(vec![]);
    s.tags = vec![String::new(); MAX_TAGS];
    assert_eq!(from_cbor::<Snapshot>(&to_cbor(&s).unwrap()).unwrap(), s);
    s.tags.push(String::new());
    let e = from_cbor::<Snapshot>(&to_cbor(&s).unwrap()).unwrap_err();
    assert!(e.to_string().contains("more than 256 tags"), "{e}");
}

#[test]
fn manifest_entries_are_checked() {
    let good = [
        entry(b"", Kind::Dir),
        entry(b"a/b c", Kind::File),
        Entry {
            target: b"../x".to_vec(),
            ..entry(b"l", Kind::Symlink)
        },
        entry(b"pipe", Kind::Fifo),
        Entry {
            link: b"a/b c".to_vec(),
            ..entry(b"again", Kind::File)
        },
    ];
    for e in &good {
        e.check().unwrap();
    }
    let bad = [
        // Paths.
        entry(b"/etc/passwd", Kind::File),
        entry(b"a/../b", Kind::File),
        entry(b"a//b", Kind::File),
        entry(b"./a", Kind::File),
        entry(b"a\0b", Kind::File),
        entry(b"", Kind::File),
        // A file type in the mode: a character device, a FIFO.
        Entry {
            mode: 0o020644,
            ..entry(b"dev", Kind::File)
        },
        Entry {
            mode: 0o010644,
            ..entry(b"fifo", Kind::Dir)
        },
        // A chunk list that is not whole IDs.
        Entry {
            chunks: vec![1; 33],
            size: 1,
            ..entry(b"f", Kind::File)
        },
        // Fields a kind cannot have.
        Entry {
            size: 1,
            ..entry(b"d", Kind::Dir)
        },
        Entry {
            chunks: vec![0; 32],
            ..entry(b"d", Kind::Dir)
        },
        Entry {
            target: b"x".to_vec(),
            ..entry(b"f", Kind::File)
        },
        entry(b"l", Kind::Symlink),
        Entry {
            target: b"a\0b".to_vec(),
            ..entry(b"l", Kind::Symlink)
        },
        Entry {
            target: vec![b'a'; MAX_TARGET_BYTES + 1],
            ..entry(b"l", Kind::Symlink)
        },
        // A FIFO with content, or a link that is no path inside, or itself.
        Entry {
            size: 1,
            ..entry(b"pipe", Kind::Fifo)
        },
        entry(b"", Kind::Fifo),
        Entry {
            link: b"x".to_vec(),
            ..entry(b"pipe", Kind::Fifo)
        },
        Entry {
            link: b"../x".to_vec(),
            ..entry(b"f", Kind::File)
        },
        Entry {
            link: b"f".to_vec(),
            ..entry(b"f", Kind::File)
        },
        Entry {
            link: b"f".to_vec(),
            ..entry(b"d", Kind::Dir)
        },
    ];
    for e in &bad {
        assert!(e.check().is_err(), "{e:?} passed");
        assert!(snapshot(vec![e.clone()]).check().is_err());
    }
    let mut late = snapshot(vec![]);
    late.nanos = 1_000_000_000;
    assert!(late.check().is_err());
}

#[test]
fn index_names_and_bounds_are_checked() {
    let pack = |id: &str, chunks: Vec<IndexEntry>| Index {
        version: VERSION,
        packs: vec![IndexPack {
            id: id.to_string(),
            size: 100,
            chunks,
            expires_at: None,
        }],
    };
    let name = "0123456789abcdef".repeat(4);
    pack(&name, vec![index_entry(0, 10, 20)])
        .check(100)
        .unwrap();
    for bad in [
        "a",
        "",
        "é",
        &name.to_uppercase(),
        &format!("{name}0"),
        "../../x",
    ] {
        assert!(pack(bad, vec![]).check(100).is_err(), "{bad:?} passed");
    }
    assert!(pack(&name, vec![]).check(99).is_err(), "size beyond a pack");
    for e in [
        index_entry(0, 10, CHUNK_MAX + 1),
        index_entry(0, MAX_BLOB_LENGTH + 1, 10),
        index_entry(u64::MAX - 5, 10, 10),
        index_entry(MAX_PACK_BYTES, 1, 1),
    ] {
        assert!(pack(&name, vec![e]).check(100).is_err(), "{e:?} passed");
    }
}

#[test]
fn pack_blobs_are_checked_and_opened() {
    let (payload, key, chunks) = pack();
    let header = split_pack(&payload).unwrap();
    for (e, chunk) in header.chunks.iter().zip(&chunks) {
        assert_eq!(
            &open_blob(&key, e, blob(&payload, e).unwrap()).unwrap(),
            chunk
        );
    }
    // An index entry pointing past the blobs, or overflowing.
    let past = index_entry(payload.len() as u64 - 10, 5, 5);
    assert!(blob(&payload, &past).is_err());
    let overflow = index_entry(u64::MAX, 2, 2);
    assert!(blob(&payload, &overflow).is_err());
    // A raw length the chunker never makes is refused before allocating.
    let e = header.chunks[0];
    let huge = IndexEntry {
        raw_length: u32::MAX,
        ..e
    };
    let b = blob(&payload, &e).unwrap();
    assert!(open_blob(&key, &huge, b).is_err());
    // A frame that decompresses to more than its raw length.
    let short = IndexEntry {
        raw_length: 4999,
        ..e
    };
    assert!(open_blob(&key, &short, b).is_err());
    // Header lengths out of range; a header entry overflowing.
    let mut bad = payload.clone();
    let n = bad.len();
    bad[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(split_pack(&bad).is_err());
    assert!(split_pack(&[1, 2, 3]).is_err());
    let mut wrapping = PackHeader {
        version: VERSION,
        chunks: vec![index_entry(u64::MAX - 1, 10, 10)],
    };
    let mut p = to_cbor(&wrapping).unwrap();
    p.extend_from_slice(&(p.len() as u32).to_le_bytes());
    assert!(split_pack(&p).is_err());
    wrapping.chunks[0].offset = 0;
    let mut p = to_cbor(&wrapping).unwrap();
    p.extend_from_slice(&(p.len() as u32).to_le_bytes());
    assert!(split_pack(&p).is_err(), "a blob inside the header");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        decode_everything(&bytes);
        // The same bytes after a zstd frame header and as a pack trailer.
        let mut framed = zstd::bulk::compress(&bytes, 1).unwrap();
        decode_everything(&framed);
        framed.extend_from_slice(&(bytes.len() as u32 / 2).to_le_bytes());
        decode_everything(&framed);
    }

    #[test]
    fn mutated_objects_never_panic_a_decoder(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let (pack, _, _) = pack();
        let mut s = snapshot(vec![entry(b"", Kind::Dir), Entry {
            chunks: vec![9; 64],
            size: 10,
            ..entry(b"file", Kind::File)
        }]);
        s.tags = vec!["a".into(), "b".into()];
        let index = Index { version: VERSION, packs: vec![IndexPack {
            id: "ab".repeat(32),
            size: 5,
            chunks: vec![index_entry(1, 2, 3)],
            expires_at: Some(4),
        }]};
        let objects = [
            pack,
            to_cbor(&s).unwrap(),
            encode_compressed(&s).unwrap(),
            to_cbor(&index).unwrap(),
            encode_compressed(&index).unwrap(),
            to_cbor(&Config::current()).unwrap(),
        ];
        for object in objects {
            let mut m = object.clone();
            for (at, value) in &flips {
                let i = at.index(m.len());
                m[i] = *value;
            }
            decode_everything(&m);
            decode_everything(&object[..cut.index(object.len())]);
        }
    }

    #[test]
    fn open_blob_is_bounded(
        offset in any::<u64>(),
        length in any::<u32>(),
        raw_length in any::<u32>(),
        blob_bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let e = IndexEntry { id: [0; 32], offset, length, raw_length };
        if let Ok(raw) = open_blob(&[0; 32], &e, &blob_bytes) {
            prop_assert!(raw.len() <= CHUNK_MAX as usize);
        }
        let (pack, _, _) = pack();
        if let Ok(b) = blob(&pack, &e) {
            prop_assert_eq!(b.len(), length as usize);
        }
    }
}
