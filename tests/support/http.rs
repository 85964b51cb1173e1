//! A real HTTP/1.1 server on `127.0.0.1:0` for the tests: each connection gets one
//! answer from the test's handler (a scripted status, a file with an ETag, or
//! whatever a misbehaving server would send), and every request is recorded, so a
//! test can wait for one without sleeping.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Names in lower case, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `GET /path`, for messages.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// What the server does with a connection.
pub enum Reply {
    /// A well-formed answer: `Content-Length` and `Connection: close` are added.
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Close the connection without an answer.
    Close,
    /// The handler writes to the socket itself (a slow, broken or endless server).
    Raw(Box<dyn FnOnce(&mut TcpStream) + Send>),
}

impl Reply {
    /// `status` with an empty body.
    pub fn status(status: u16) -> Reply {
        Reply::Http {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// `status` with a body of `content_type`.
    pub fn body(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(status)
            .header("Content-Type", content_type)
            .with_body(body)
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Http { headers, .. } = &mut self {
            headers.push((name.to_string(), value.to_string()));
        }
        self
    }

    pub fn with_body(mut self, bytes: impl Into<Vec<u8>>) -> Reply {
        if let Reply::Http { body, .. } = &mut self {
            *body = bytes.into();
        }
        self
    }

    /// Writes a raw answer.
    pub fn raw(write: impl FnOnce(&mut TcpStream) + Send + 'static) -> Reply {
        Reply::Raw(Box::new(write))
    }
}

type Handler = Box<dyn FnMut(&Request) -> Reply + Send>;

#[derive(Default)]
struct Log {
    all: Vec<Request>,
    /// How many of `all` `next_request` and `drain` have handed out.
    taken: usize,
}

pub struct TestServer {
    addr: SocketAddr,
    log: Arc<(Mutex<Log>, Condvar)>,
    stop: Arc<AtomicBool>,
}

impl TestServer {
    /// Starts answering every request with `handler` (called one request at a time,
    /// in the order they arrive; the answers are written in parallel).
    pub fn start(handler: impl FnMut(&Request) -> Reply + Send + 'static) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let log: Arc<(Mutex<Log>, Condvar)> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Mutex<Handler>> = Arc::new(Mutex::new(Box::new(handler)));
        let (l, s) = (log.clone(), stop.clone());
        std::thread::Builder::new()
            .name("test-http".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if s.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (log, handler) = (l.clone(), handler.clone());
                    std::thread::spawn(move || serve(stream, &log, &handler));
                }
            })
            .expect("server thread");
        TestServer { addr, log, stop }
    }

    /// The URL of `path` on this server (`/feed.json`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.log
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .all
            .clone()
    }

    /// The requests not handed out yet by `next_request` or `drain`.
    pub fn drain(&self) -> Vec<Request> {
        let mut log = self.log.0.lock().unwrap_or_else(|e| e.into_inner());
        let new = log.all[log.taken..].to_vec();
        log.taken = log.all.len();
        new
    }

    /// The next request not handed out yet, waiting for it at most `timeout`.
    pub fn next_request(&self, timeout: Duration) -> Option<Request> {
        let deadline = Instant::now() + timeout;
        let (lock, arrived) = &*self.log;
        let mut log = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if log.taken < log.all.len() {
                log.taken += 1;
                return Some(log.all[log.taken - 1].clone());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            log = arrived
                .wait_timeout(log, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Stops answering: the listening socket closes.
    pub fn shut_down(self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(stream: TcpStream, log: &(Mutex<Log>, Condvar), handler: &Mutex<Handler>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let reply = {
        // One request at a time: a scripted handler answers in arrival order.
        let mut handler = handler.lock().unwrap_or_else(|e| e.into_inner());
        let reply = handler(&request);
        let (lock, arrived) = log;
        lock.lock()
            .unwrap_or_else(|e| e.into_inner())
            .all
            .push(request);
        arrived.notify_all();
        reply
    };
    let mut stream = reader.into_inner();
    match reply {
        Reply::Http {
            status,
            headers,
            body,
        } => {
            let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            let _ = stream.flush();
        }
        Reply::Close => {}
        Reply::Raw(write) => write(&mut stream),
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
