//! A TCP proxy on loopback that behaves like a slow, distant link, for the
//! benchmarks (bench/run.sh --only s3): every byte is delayed by a one-way
//! latency and each direction is limited to a rate shared by all
//! connections, as on one access link. Grown from tests/kit/proxy.rs (which
//! only throttles); standalone so that any client (crossing, restic, curl)
//! can go through it.
//!
//!   cargo build --release --example linkproxy
//!   target/release/examples/linkproxy --upstream 127.0.0.1:9000 \
//!       [--listen 127.0.0.1:0] [--delay-ms 40] [--rate-mbit 100] [--queue-ms 20] [--stats FILE]
//!
//! It prints `listening PORT` on stdout once it accepts connections. With
//! `--stats FILE` it rewrites FILE every 100 ms with one line:
//! `BYTES_UP BYTES_DOWN CONNECTIONS` (bytes delivered so far, client to
//! server and back), so that a script can difference it around a command.
//!
//! The model, per direction: a link that serialises bytes at the rate (one
//! queue for all connections), then a propagation delay. A chunk read at
//! time t leaves the queue at max(t, queue free) + size / rate and arrives
//! `delay` later. The queue holds at most `queue-ms` of data; beyond that
//! the proxy stops reading, so the sender's TCP feels back-pressure like at
//! a router's full buffer. A new connection waits one round trip before
//! any byte flows (TCP's handshake). Not modelled: loss, TCP's slow start
//! and congestion window over the long path (the sender's TCP here talks to
//! the proxy on loopback), jitter.
//! `--rate-mbit 0` means unlimited, `--delay-ms 0` no delay: with both, the
//! proxy's own ceiling can be measured.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CHUNK: usize = 64 * 1024;

/// One direction of the link, shared by every connection.
struct Link {
    /// Bytes per second; None: unlimited.
    rate: Option<f64>,
    delay: Duration,
    /// Most data (as time to send it) waiting in the queue before readers stop.
    queue: Duration,
    /// When the queue is next free to send.
    free_at: Mutex<Instant>,
    delivered: AtomicU64,
}

impl Link {
    /// Reserves the link for `n` bytes read now; returns when they arrive.
    /// Blocks while the queue is full.
    fn schedule(&self, n: usize) -> Instant {
        let Some(rate) = self.rate else {
            return Instant::now() + self.delay;
        };
        loop {
            let wait = {
                let mut free_at = self.free_at.lock().unwrap();
                let now = Instant::now();
                if *free_at < now {
                    *free_at = now;
                }
                if *free_at <= now + self.queue {
                    *free_at += Duration::from_secs_f64(n as f64 / rate);
                    return *free_at + self.delay;
                }
                *free_at - self.queue - now
            };
            std::thread::sleep(wait);
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut listen, mut upstream, mut stats) = ("127.0.0.1:0".to_string(), None, None);
    let (mut delay_ms, mut rate_mbit, mut queue_ms) = (40.0f64, 100.0f64, 20.0f64);
    while let Some(a) = args.next() {
        let mut val = || {
            args.next()
                .unwrap_or_else(|| die(&format!("{a} needs a value")))
        };
        match a.as_str() {
            "--listen" => listen = val(),
            "--upstream" => upstream = Some(val()),
            "--delay-ms" => {
                delay_ms = val()
                    .parse()
                    .unwrap_or_else(|_| die("--delay-ms: a number"))
            }
            "--rate-mbit" => {
                rate_mbit = val()
                    .parse()
                    .unwrap_or_else(|_| die("--rate-mbit: a number"))
            }
            "--queue-ms" => {
                queue_ms = val()
                    .parse()
                    .unwrap_or_else(|_| die("--queue-ms: a number"))
            }
            "--stats" => stats = Some(val()),
            _ => die(&format!("unknown argument {a}")),
        }
    }
    let upstream = upstream.unwrap_or_else(|| die("--upstream HOST:PORT is required"));
    let link = || {
        Arc::new(Link {
            rate: (rate_mbit > 0.0).then_some(rate_mbit * 1e6 / 8.0),
            delay: Duration::from_secs_f64(delay_ms / 1e3),
            queue: Duration::from_secs_f64(queue_ms / 1e3),
            free_at: Mutex::new(Instant::now()),
            delivered: AtomicU64::new(0),
        })
    };
    let (up, down) = (link(), link());
    let connections = Arc::new(AtomicU64::new(0));
    let listener =
        TcpListener::bind(&listen).unwrap_or_else(|e| die(&format!("listen on {listen}: {e}")));
    println!("listening {}", listener.local_addr().unwrap().port());
    std::io::stdout().flush().unwrap();

    if let Some(path) = stats {
        let (up, down, connections) = (up.clone(), down.clone(), connections.clone());
        std::thread::spawn(move || loop {
            let line = format!(
                "{} {} {}\n",
                up.delivered.load(Ordering::SeqCst),
                down.delivered.load(Ordering::SeqCst),
                connections.load(Ordering::SeqCst)
            );
            let tmp = format!("{path}.tmp");
            if std::fs::write(&tmp, line).is_ok() {
                let _ = std::fs::rename(&tmp, &path);
            }
            std::thread::sleep(Duration::from_millis(100));
        });
    }

    for client in listener.incoming() {
        let Ok(client) = client else { continue };
        connections.fetch_add(1, Ordering::SeqCst);
        let (up, down, upstream) = (up.clone(), down.clone(), upstream.clone());
        std::thread::spawn(move || {
            // The handshake's round trip over the long path.
            std::thread::sleep(up.delay + down.delay);
            let Ok(server) = TcpStream::connect(&upstream) else {
                let _ = client.shutdown(Shutdown::Both);
                return;
            };
            for s in [&client, &server] {
                let _ = s.set_nodelay(true);
            }
            let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            direction(client, s2, up);
            direction(server, c2, down);
        });
    }
}

/// Carries `from` to `to` over `link`: a reader that schedules each chunk
/// and a writer that delivers it on time.
fn direction(from: TcpStream, to: TcpStream, link: Arc<Link>) {
    // Bounded by the link's own queue limit in time; the count is a backstop.
    let (tx, rx) = sync_channel::<Option<(Instant, Vec<u8>)>>(4096);
    let l2 = link.clone();
    std::thread::spawn(move || read_side(from, tx, l2));
    std::thread::spawn(move || write_side(to, rx, link));
}

fn read_side(mut from: TcpStream, tx: SyncSender<Option<(Instant, Vec<u8>)>>, link: Arc<Link>) {
    loop {
        let mut buf = vec![0u8; CHUNK];
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        buf.truncate(n);
        let at = link.schedule(n);
        if tx.send(Some((at, buf))).is_err() {
            break;
        }
    }
    let _ = tx.send(None);
}

fn write_side(mut to: TcpStream, rx: Receiver<Option<(Instant, Vec<u8>)>>, link: Arc<Link>) {
    while let Ok(Some((at, buf))) = rx.recv() {
        let now = Instant::now();
        if at > now {
            std::thread::sleep(at - now);
        }
        if to.write_all(&buf).is_err() {
            let _ = to.shutdown(Shutdown::Both);
            return;
        }
        link.delivered.fetch_add(buf.len() as u64, Ordering::SeqCst);
    }
    // The sender closed (or failed): pass the half-close on.
    let _ = to.shutdown(Shutdown::Write);
}

fn die(msg: &str) -> ! {
    eprintln!("linkproxy: {msg}");
    std::process::exit(2);
}
