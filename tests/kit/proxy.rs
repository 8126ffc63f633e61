//! A TCP proxy between crossing and a real server, standing in for a bad
//! network: it can slow uploads down (so that a test can stop the server
//! while a backup is surely under way) and cut the first few large
//! responses part-way (a connection dropped mid-download).

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// Bytes per second from client to server (uploads), all connections together.
    pub upload_rate: Option<u64>,
    /// Bytes per second from server to client (downloads), all connections together.
    pub download_rate: Option<u64>,
    /// Cut this many connections, each after it carried this many bytes to the client.
    pub cut_downloads: Option<(usize, u64)>,
}

pub struct Proxy {
    pub port: u16,
    stop: Arc<AtomicBool>,
    cuts_left: Arc<AtomicUsize>,
    cuts_wanted: usize,
    accept: Option<JoinHandle<()>>,
    live: Arc<Mutex<Vec<TcpStream>>>,
}

/// A shared token bucket: callers sleep until their bytes may pass.
struct Throttle {
    rate: u64,
    next: Mutex<Instant>,
}

impl Throttle {
    fn pass(&self, n: usize) {
        let wait = {
            let mut next = self.next.lock().unwrap();
            let now = Instant::now();
            if *next < now {
                *next = now;
            }
            *next += Duration::from_secs_f64(n as f64 / self.rate as f64);
            *next - now
        };
        std::thread::sleep(wait);
    }
}

impl Proxy {
    /// Listens on `port` (0: any free port) and forwards to `upstream`.
    pub fn start(port: u16, upstream: SocketAddr, faults: Faults) -> Proxy {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("proxy port");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let cuts_wanted = faults.cut_downloads.map_or(0, |(n, _)| n);
        let cuts_left = Arc::new(AtomicUsize::new(cuts_wanted));
        let live: Arc<Mutex<Vec<TcpStream>>> = Default::default();
        let throttle = |rate: Option<u64>| {
            rate.map(|rate| {
                Arc::new(Throttle {
                    rate,
                    next: Mutex::new(Instant::now()),
                })
            })
        };
        let (up, down) = (throttle(faults.upload_rate), throttle(faults.download_rate));
        let cut_after = faults.cut_downloads.map(|(_, bytes)| bytes);
        let accept = {
            let (stop, cuts_left, live) = (stop.clone(), cuts_left.clone(), live.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let client = match listener.accept() {
                        Ok((c, _)) => c,
                        Err(_) => {
                            std::thread::sleep(Duration::from_millis(5));
                            continue;
                        }
                    };
                    client.set_nonblocking(false).unwrap();
                    // No server: close at once, as a dead host behind a balancer would.
                    let Ok(server) = TcpStream::connect(upstream) else {
                        continue;
                    };
                    for s in [&client, &server] {
                        live.lock().unwrap().push(s.try_clone().unwrap());
                    }
                    let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                    let up = up.clone();
                    std::thread::spawn(move || pump(client, s2, up, None));
                    let (down, cuts_left) = (down.clone(), cuts_left.clone());
                    std::thread::spawn(move || {
                        pump(server, c2, down, cut_after.map(|b| (b, cuts_left)))
                    });
                }
                // Dropping the listener here refuses new connections.
            })
        };
        Proxy {
            port,
            stop,
            cuts_left,
            cuts_wanted,
            accept: Some(accept),
            live,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Connections cut so far.
    pub fn cuts(&self) -> usize {
        self.cuts_wanted - self.cuts_left.load(Ordering::SeqCst)
    }

    /// Stops listening and drops every open connection.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        for s in self.live.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Copies `from` to `to`; `cut`: after this many bytes, drop the connection
/// if the shared budget of cuts allows.
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    throttle: Option<Arc<Throttle>>,
    cut: Option<(u64, Arc<AtomicUsize>)>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(t) = &throttle {
            t.pass(n);
        }
        if let Some((after, left)) = &cut {
            if total + n as u64 > *after
                && left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| l.checked_sub(1))
                    .is_ok()
            {
                let keep = (*after - total) as usize;
                let _ = to.write_all(&buf[..keep]);
                break;
            }
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        total += n as u64;
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}
