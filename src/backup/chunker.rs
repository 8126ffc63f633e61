//! Content-defined chunking (FastCDC 2020, docs/format.md) of a stream,
//! through one reusable window per worker.
//!
//! fastcdc's own `StreamCDC` copies every chunk out, shifts its buffer and
//! zeroes it again per chunk; on a 750 MB backup that was a quarter of the
//! CPU time. Here the window is refilled once per several chunks and chunks
//! are handed out as slices of it. Cut points are the same: a chunk is only
//! cut when at least `CHUNK_MAX` bytes (or the end of the stream) follow its
//! start, which is all FastCDC ever looks at.
//!
//! Databases are cut into fixed runs of pages instead (`pages::Layout`).

use std::io::Read;

use super::pages::Layout;
use crate::repo::format::{CHUNK_AVG, CHUNK_MAX, CHUNK_MIN};

/// Twice the largest chunk: each refill reads at least `CHUNK_MAX` bytes.
const WINDOW: usize = 2 * CHUNK_MAX as usize;

#[derive(Default)]
pub struct Chunker {
    window: Vec<u8>,
}

#[derive(Debug)]
pub enum ChunkError<E> {
    Read(std::io::Error),
    Consumer(E),
}

impl Chunker {
    /// Calls `each` with every chunk of `source`, cut as `layout` says, in order.
    pub fn run<E>(
        &mut self,
        source: impl Read,
        layout: Layout,
        each: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), ChunkError<E>> {
        match layout {
            Layout::Content => self.run_cdc(source, each),
            Layout::Fixed { head, size } => self.run_fixed(source, head, size, each),
        }
    }

    fn run_fixed<E>(
        &mut self,
        mut source: impl Read,
        head: usize,
        size: usize,
        mut each: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), ChunkError<E>> {
        debug_assert!(size > 0 && size <= CHUNK_MAX as usize && head <= size);
        let mut want = if head > 0 { head } else { size };
        loop {
            self.window.clear();
            // `take` + `read_to_end` fill the chunk through short reads.
            let got = (&mut source)
                .take(want as u64)
                .read_to_end(&mut self.window)
                .map_err(ChunkError::Read)?;
            if got > 0 {
                each(&self.window).map_err(ChunkError::Consumer)?;
            }
            if got < want {
                return Ok(());
            }
            want = size;
        }
    }

    fn run_cdc<E>(
        &mut self,
        mut source: impl Read,
        mut each: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), ChunkError<E>> {
        let window = &mut self.window;
        window.clear();
        window.reserve(WINDOW);
        let mut eof = false;
        loop {
            if !eof {
                let want = (WINDOW - window.len()) as u64;
                let got = (&mut source)
                    .take(want)
                    .read_to_end(window)
                    .map_err(ChunkError::Read)?;
                eof = (got as u64) < want;
            }
            let mut done = 0;
            for chunk in fastcdc::v2020::FastCDC::new(window, CHUNK_MIN, CHUNK_AVG, CHUNK_MAX) {
                if !eof && window.len() - chunk.offset < CHUNK_MAX as usize {
                    break; // not enough look-ahead: refill first
                }
                each(&window[chunk.offset..chunk.offset + chunk.length])
                    .map_err(ChunkError::Consumer)?;
                done = chunk.offset + chunk.length;
            }
            if eof && done == window.len() {
                return Ok(());
            }
            window.copy_within(done.., 0);
            window.truncate(window.len() - done);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: fastcdc's own streaming chunker.
    fn reference(data: &[u8]) -> Vec<Vec<u8>> {
        fastcdc::v2020::StreamCDC::new(data, CHUNK_MIN, CHUNK_AVG, CHUNK_MAX)
            .map(|c| c.unwrap().data)
            .collect()
    }

    fn ours(data: &[u8], read_size: usize) -> Vec<Vec<u8>> {
        cut(data, read_size, Layout::Content)
    }

    fn cut(data: &[u8], read_size: usize, layout: Layout) -> Vec<Vec<u8>> {
        // A reader that returns short reads, as pipes and networks do.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(self.1).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        Chunker::default()
            .run(Trickle(data, read_size), layout, |c| -> Result<(), ()> {
                out.push(c.to_vec());
                Ok(())
            })
            .unwrap();
        out
    }

    fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn same_cut_points_as_fastcdc_on_large_inputs() {
        for (len, read) in [
            (0, 1 << 20),
            (1, 7),
            (CHUNK_MIN as usize, 4096),
            (23 << 20, 1 << 20),
            (23 << 20, 65_537),
        ] {
            let data = pseudo_random(len, len as u64 + 3);
            assert_eq!(ours(&data, read), reference(&data), "len {len}");
        }
        let zeros = vec![0u8; 13 << 20];
        assert_eq!(ours(&zeros, 1 << 20), reference(&zeros));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn same_cut_points_for_any_length(len in 0usize..(10 << 20), read in 1usize..(3 << 20), seed in any::<u64>()) {
            let data = pseudo_random(len, seed);
            prop_assert_eq!(ours(&data, read), reference(&data));
        }
    }

    #[test]
    fn fixed_chunks_fall_on_boundaries_with_a_short_last_one() {
        let data = pseudo_random(10 * 4096 + 100, 9);
        let layout = Layout::Fixed {
            head: 0,
            size: 4 * 4096,
        };
        for read in [1, 777, 4096, 1 << 20] {
            let chunks = cut(&data, read, layout);
            let sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
            assert_eq!(sizes, [16384, 16384, 8292], "read size {read}");
            assert_eq!(chunks.concat(), data);
        }
        // Exactly a whole number of chunks: no empty chunk at the end.
        assert_eq!(cut(&data[..8 * 4096], 999, layout).len(), 2);
        assert!(cut(&[], 1, layout).is_empty());
    }

    #[test]
    fn fixed_chunks_after_a_head() {
        let data = pseudo_random(32 + 3 * 100 + 5, 4);
        let chunks = cut(
            &data,
            13,
            Layout::Fixed {
                head: 32,
                size: 100,
            },
        );
        let sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
        assert_eq!(sizes, [32, 100, 100, 100, 5]);
        assert_eq!(chunks.concat(), data);
        assert_eq!(
            cut(
                &data[..20],
                13,
                Layout::Fixed {
                    head: 32,
                    size: 100
                }
            )
            .len(),
            1
        );
    }
}
