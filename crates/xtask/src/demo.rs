//! `cargo xtask demo`: builds the npm package and serves the demo page on
//! `http://localhost:8000` until Ctrl-C: `www/` as `/`, `pkg/dist/` as `/pkg/` (where the page
//! imports the package from, through its polyfill entry).
//!
//! The server is a small std-only HTTP/1.1 server for GET and HEAD: one request per
//! connection, one thread per connection, files read from disk on every request (a rebuilt
//! package shows on reload), the MIME types browsers insist on (`application/wasm` for
//! streaming compilation, `text/javascript` for modules), no way out of the two folders.
//! It listens on the loopback interface only: `localhost` is a secure context, so the camera
//! works there without HTTPS, and nothing is exposed to the network.
//!
//! [`e2e`] runs the end-to-end test of the page (`tests/e2e/`) against this same server, with
//! one test hook that `cargo xtask demo` never has (see [`Site::test_hooks`]).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::{install, pkg, run};

const DEFAULT_PORT: u16 = 8000;
/// A request head larger than this is refused: the browser's are a few hundred bytes.
const MAX_HEAD: usize = 16 * 1024;

const USAGE: &str = "usage: cargo xtask demo [--port N] [--no-build]
  --port N     serve on http://localhost:N (default 8000; 0 picks a free port)
  --no-build   serve the pkg/dist/ already built instead of building it first";

/// `cargo xtask demo [--port N] [--no-build]`: builds the package, then serves the page until
/// the process is interrupted.
pub fn serve(args: &[String]) -> Result<(), String> {
    let mut port = DEFAULT_PORT;
    let mut build = true;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args
                    .next()
                    .ok_or(format!("--port needs a number\n{USAGE}"))?;
                port = value
                    .parse()
                    .map_err(|_| format!("--port {value}: not a port number\n{USAGE}"))?;
            }
            "--no-build" => build = false,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("demo: unknown option {other:?}\n{USAGE}")),
        }
    }

    let root = run::workspace_root()?;
    // The port first: a taken one should not wait for a build to be reported.
    let listeners = Listeners::bind(port)?;
    if build {
        install::package_tools()?;
        pkg::build(true)?;
    }
    let server = Server::start(Site::new(&root, true)?, listeners)?;
    let url = format!("http://localhost:{}/", server.port());
    println!(
        "
The ImageCapture demo is on  {url}   (Ctrl-C stops it)
  /      www/
  /pkg/  pkg/dist/  (the npm package, loaded through its polyfill entry)

Open it in a browser on this machine. No camera? Use the browser's fake one:
  Chrome/Chromium: chromium --use-fake-device-for-media-stream --use-fake-ui-for-media-stream {url}
  Firefox:         about:config → media.navigator.streams.fake = true
                   (and media.navigator.permission.disabled = true to skip the prompt)
The same API natively, in Rust (the fake camera where there is none):
  cargo run --example snapshot
"
    );
    server.wait();
    Ok(())
}

/// The end-to-end test of the demo page: `tests/e2e/demo.test.js` in headless Chromium and
/// Firefox with fake cameras, and in WebKit's three shapes (crates/xtask/src/webkit.rs) on an X
/// display and a D-Bus session bus of our own, against this module's server on a free port.
/// Builds the package only when `pkg/dist/` is missing (`cargo xtask test` has just built it).
/// Screenshots go to `artifacts/`.
pub fn e2e() -> Result<(), String> {
    let root = run::workspace_root()?;
    install::browsers()?;
    if !root.join("pkg/dist/polyfill.js").is_file() {
        pkg::build(true)?;
    }
    // The test drives Chromium with pkg's playwright-core (a devDependency of pkg/).
    if !root.join("pkg/node_modules/playwright-core").is_dir() {
        let prefix = root.join("pkg");
        run::command(
            "npm",
            &[
                "install",
                "--prefix",
                run::path_str(&prefix)?,
                "--no-audit",
                "--no-fund",
            ],
            &[],
        )?;
    }
    let mut site = Site::new(&root, false)?;
    site.test_hooks = true;
    let server = Server::start(site, Listeners::bind(0)?)?;
    let origin = format!("http://localhost:{}", server.port());
    // WebKit's MiniBrowsers (pkg/test/browsers.js starts one per shape) on our own display and
    // session bus, ended by their PIDs when dropped below.
    let xvfb = crate::webkit::Xvfb::start()?;
    let bus = crate::webkit::SessionBus::start()?;
    let test = root.join("tests/e2e/demo.test.js");
    let outcome = run::command(
        "node",
        &[
            "--test",
            "--test-concurrency=1",
            "--test-reporter=spec",
            run::path_str(&test)?,
        ],
        &[
            ("DEMO_ORIGIN", origin.as_str()),
            ("DISPLAY", xvfb.display()),
            ("DBUS_SESSION_BUS_ADDRESS", bus.address()),
        ],
    );
    drop(bus);
    drop(xvfb);
    drop(server);
    // Where to look, pass or fail: a screenshot shows what went wrong faster than a log.
    let artifacts = root.join("artifacts");
    let mut shots: Vec<String> = std::fs::read_dir(&artifacts)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("demo-") && name.ends_with(".png"))
        .collect();
    shots.sort();
    for shot in shots {
        println!("screenshot: {}", artifacts.join(shot).display());
    }
    outcome
}

// ---------------------------------------------------------------------------------------------
// What is served

/// The two folders served, canonicalised (a symlink cannot lead out of them).
struct Site {
    www: PathBuf,
    dist: PathBuf,
    /// Print one line per request (for `cargo xtask demo`, not for the test).
    log: bool,
    /// For the end-to-end test only: an HTML page asked for with `?e2e-remove=grabFrame` (a
    /// comma-separated list of `ImageCapture` methods) gets a script at the top of its `<head>`
    /// that deletes those methods from `ImageCapture.prototype` before the page's own scripts
    /// run: Safari 18.x's shape (no `grabFrame`) in a WebKit that has all four. The page has no
    /// such hook, and WebKitWebDriver cannot run a script before the page's own (no WebDriver
    /// BiDi, no preload scripts), so the server does it.
    test_hooks: bool,
}

/// The `ImageCapture` methods `?e2e-remove=` may name.
const REMOVABLE: [&str; 4] = [
    "grabFrame",
    "takePhoto",
    "getPhotoCapabilities",
    "getPhotoSettings",
];

/// The script that `?e2e-remove=…` in `target` asks for, if it does (see [`Site::test_hooks`]);
/// 400 for a name that is not an `ImageCapture` method.
fn removal_script(target: &str) -> Result<Option<String>, u16> {
    let query = target
        .split('#')
        .next()
        .and_then(|t| t.split_once('?'))
        .map_or("", |(_, q)| q);
    let Some(value) = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("e2e-remove="))
    else {
        return Ok(None);
    };
    let value = percent_decode(value).ok_or(400_u16)?;
    let methods: Vec<&str> = value.split(',').filter(|m| !m.is_empty()).collect();
    if methods.is_empty() || !methods.iter().all(|m| REMOVABLE.contains(m)) {
        return Err(400);
    }
    let list = methods
        .iter()
        .map(|m| format!("\"{m}\""))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Some(format!(
        "<script>/* e2e-remove (the test server's, not the page's) */ \
         if (window.ImageCapture) for (const m of [{list}]) delete ImageCapture.prototype[m];\
         </script>"
    )))
}

/// `html` with `script` right after its `<head>` tag (before anything of the page's), or first
/// when it has none.
fn inject_first(html: &[u8], script: &str) -> Vec<u8> {
    let at = html
        .windows(6)
        .position(|w| w.eq_ignore_ascii_case(b"<head>"))
        .map_or(0, |p| p + 6);
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// A response, before it is written.
struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    location: Option<String>,
}

impl Response {
    fn text(status: u16, message: String) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            body: message.into_bytes(),
            location: None,
        }
    }
}

impl Site {
    fn new(root: &Path, log: bool) -> Result<Self, String> {
        let www = root
            .join("www")
            .canonicalize()
            .map_err(|e| format!("{}: {e}", root.join("www").display()))?;
        let dist = root.join("pkg/dist");
        let dist = dist.canonicalize().map_err(|e| {
            format!(
                "{}: {e} (build the package first: `cargo xtask pkg`)",
                dist.display()
            )
        })?;
        Ok(Self {
            www,
            dist,
            log,
            test_hooks: false,
        })
    }

    /// The response to `method target`.
    fn respond(&self, method: &str, target: &str) -> Response {
        if method != "GET" && method != "HEAD" {
            return Response::text(405, format!("{method} is not supported: GET or HEAD\n"));
        }
        match self.resolve(target) {
            Ok(Resolved::File(file)) => match std::fs::read(&file) {
                Ok(body) => {
                    let content_type = mime_type(&file);
                    let body = if self.test_hooks && content_type.starts_with("text/html") {
                        match removal_script(target) {
                            Ok(Some(script)) => inject_first(&body, &script),
                            Ok(None) => body,
                            Err(status) => {
                                return Response::text(
                                    status,
                                    format!("e2e-remove: not ImageCapture methods: {target}\n"),
                                );
                            }
                        }
                    } else {
                        body
                    };
                    Response {
                        status: 200,
                        content_type,
                        body,
                        location: None,
                    }
                }
                Err(e) => Response::text(500, format!("cannot read {target}: {e}\n")),
            },
            Ok(Resolved::Directory(slashed)) => Response {
                status: 301,
                content_type: "text/plain; charset=utf-8",
                body: Vec::new(),
                location: Some(slashed),
            },
            Err(status) => Response::text(status, format!("{} {target}\n", reason(status))),
        }
    }

    /// The file `target` names, or the status to answer instead (400, 403, 404).
    fn resolve(&self, target: &str) -> Result<Resolved, u16> {
        let path = target.split(['?', '#']).next().unwrap_or_default();
        if !path.starts_with('/') {
            return Err(400);
        }
        let decoded = percent_decode(path).ok_or(400_u16)?;
        if decoded.contains(['\0', '\\']) {
            return Err(400);
        }
        let segments: Vec<&str> = decoded
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        // Browsers resolve `..` before asking; a request that still has one is probing.
        if segments.contains(&"..") {
            return Err(403);
        }
        let (base, rest) = match segments.split_first() {
            Some((&"pkg", rest)) => (&self.dist, rest),
            _ => (&self.www, &segments[..]),
        };
        let mut file = base.clone();
        file.extend(rest);
        if file.is_dir() {
            // `/pkg` → `/pkg/`, so that the page's relative URLs resolve inside it.
            if !path.ends_with('/') {
                return Ok(Resolved::Directory(format!("{path}/")));
            }
            file.push("index.html");
        }
        let file = file.canonicalize().map_err(|_| 404_u16)?;
        if !file.starts_with(base) {
            return Err(403);
        }
        if file.is_file() {
            Ok(Resolved::File(file))
        } else {
            Err(404)
        }
    }
}

enum Resolved {
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect there.
    Directory(String),
}

/// `%XX` escapes decoded; `None` for a bad escape or a result that is not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            // Two hex digits exactly (from_str_radix alone would take "+f").
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn mime_type(file: &Path) -> &'static str {
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "txt" | "md" | "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    }
}

// ---------------------------------------------------------------------------------------------
// The server

/// The server's sockets: bound, so that a taken port shows at once, but not answering yet
/// (a browser that connects meanwhile waits in the backlog).
struct Listeners {
    port: u16,
    sockets: Vec<TcpListener>,
}

impl Listeners {
    /// 127.0.0.1:`port` (0: a free one) and, where the machine has IPv6, `[::1]` at the same
    /// port: browsers may try either for `localhost`.
    fn bind(port: u16) -> Result<Self, String> {
        let v4 = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| match e.kind() {
            io::ErrorKind::AddrInUse => format!(
                "port {port} is already in use on localhost (another `cargo xtask demo`?): \
                 stop that server, or pick another port with --port N"
            ),
            io::ErrorKind::PermissionDenied => {
                format!("no permission to listen on port {port}: pick one above 1023 with --port N")
            }
            _ => format!("cannot listen on localhost:{port}: {e}"),
        })?;
        let port = v4
            .local_addr()
            .map_err(|e| format!("cannot read the listening address: {e}"))?
            .port();
        let mut sockets = vec![v4];
        match TcpListener::bind((Ipv6Addr::LOCALHOST, port)) {
            Ok(v6) => sockets.push(v6),
            // No IPv6 here: browsers then use 127.0.0.1 alone. Anything else is worth a word.
            Err(e) if e.kind() == io::ErrorKind::AddrNotAvailable => {}
            Err(e) => println!("(not listening on [::1]:{port} as well: {e})"),
        }
        Ok(Self { port, sockets })
    }
}

/// Answering on localhost until dropped (or, for `serve`, forever).
struct Server {
    port: u16,
    addresses: Vec<SocketAddr>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// Answers `site`'s files on `listeners`, one thread per socket.
    fn start(site: Site, listeners: Listeners) -> Result<Self, String> {
        let site = Arc::new(site);
        let stop = Arc::new(AtomicBool::new(false));
        let mut addresses = Vec::new();
        let mut threads = Vec::new();
        for listener in listeners.sockets {
            addresses.push(
                listener
                    .local_addr()
                    .map_err(|e| format!("cannot read the listening address: {e}"))?,
            );
            let (site, stop) = (Arc::clone(&site), Arc::clone(&stop));
            threads.push(thread::spawn(move || accept(&listener, &site, &stop)));
        }
        Ok(Self {
            port: listeners.port,
            addresses,
            stop,
            threads,
        })
    }

    fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process ends (Ctrl-C).
    fn wait(mut self) {
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake each blocked accept() with a connection of our own, so it sees the flag.
        for address in &self.addresses {
            let _ = TcpStream::connect_timeout(address, Duration::from_secs(1));
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

fn accept(listener: &TcpListener, site: &Arc<Site>, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let site = Arc::clone(site);
        thread::spawn(move || {
            if let Err(e) = handle(&site, &stream) {
                // A browser closing a connection early is normal; say it only when logging.
                if site.log && e.kind() != io::ErrorKind::BrokenPipe {
                    println!("  (connection failed: {e})");
                }
            }
        });
    }
}

/// Reads one request, answers it, closes the connection.
fn handle(site: &Site, stream: &TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    // At most MAX_HEAD bytes are read, however long a line is.
    let mut reader = BufReader::new(Read::take(stream, MAX_HEAD as u64));

    // The request line, then every header line up to the blank one.
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut complete = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            break; // the client closed, or the head is too large
        }
        if line == "\r\n" || line == "\n" {
            complete = true;
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let response = if !complete || target.is_empty() {
        Response::text(400, "bad request\n".into())
    } else {
        site.respond(method, target)
    };
    if site.log {
        println!("{} {method} {target}", response.status);
    }

    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len(),
    );
    if response.status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    if let Some(location) = &response.location {
        head.push_str(&format!("Location: {location}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = stream;
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&response.body)?;
    }
    stream.flush()?;
    // A graceful close: say we are done, then drain what the client still sends (a head cut
    // off above) until it closes too; closing with unread bytes would reset the connection,
    // which can discard the response before the client has read it.
    stream.shutdown(Shutdown::Write)?;
    stream.set_read_timeout(Some(Duration::from_secs(1)))?;
    let _ = io::copy(&mut Read::take(stream, 1 << 20), &mut io::sink());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::io::Read;

    /// A folder removed when dropped.
    struct Fixture(PathBuf);

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// A workspace of its own in the temporary folder: `www/` and `pkg/dist/` with a few
    /// files, and a secret next to them that must stay out of reach.
    fn fixture(name: &str) -> Fixture {
        let root = std::env::temp_dir().join(format!("xtask-demo-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("www/sub")).unwrap();
        fs::create_dir_all(root.join("pkg/dist")).unwrap();
        fs::write(root.join("www/index.html"), "<title>demo</title>").unwrap();
        fs::write(root.join("www/app.js"), "export {};").unwrap();
        fs::write(root.join("www/sub/index.html"), "sub").unwrap();
        fs::write(root.join("pkg/dist/polyfill.js"), "export {};").unwrap();
        fs::write(root.join("pkg/dist/m_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        fs::write(root.join("secret.txt"), "secret").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("secret.txt"), root.join("www/link.txt")).unwrap();
        Fixture(root)
    }

    fn site(name: &str) -> (Site, Fixture) {
        let fixture = fixture(name);
        (Site::new(&fixture.0, false).unwrap(), fixture)
    }

    fn ask(server: &Server, request: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn file(resolved: Result<Resolved, u16>) -> String {
        match resolved {
            Ok(Resolved::File(path)) => path.to_string_lossy().replace('\\', "/"),
            Ok(Resolved::Directory(to)) => format!("redirect {to}"),
            Err(status) => status.to_string(),
        }
    }

    #[test]
    fn resolves_inside_the_two_folders_only() {
        let (site, _fixture) = site("resolve");
        assert!(file(site.resolve("/")).ends_with("www/index.html"));
        assert!(file(site.resolve("/app.js?x=1#y")).ends_with("www/app.js"));
        assert!(file(site.resolve("/sub/")).ends_with("www/sub/index.html"));
        assert!(file(site.resolve("/pkg/polyfill.js")).ends_with("pkg/dist/polyfill.js"));
        assert!(file(site.resolve("/pkg/./m_bg.wasm")).ends_with("pkg/dist/m_bg.wasm"));
        assert_eq!(file(site.resolve("/pkg")), "redirect /pkg/");
        assert_eq!(file(site.resolve("/sub")), "redirect /sub/");
        // Out of the folders: by `..`, escaped or not, by a backslash, by a symlink.
        assert_eq!(file(site.resolve("/../secret.txt")), "403");
        assert_eq!(file(site.resolve("/%2e%2e/secret.txt")), "403");
        assert_eq!(file(site.resolve("/pkg/..%2f..%2f..%2fsecret.txt")), "403");
        assert_eq!(file(site.resolve("/pkg/%5c..%5c..%5csecret.txt")), "400");
        #[cfg(unix)]
        assert_eq!(file(site.resolve("/link.txt")), "403");
        // Not paths at all, or nothing there.
        assert_eq!(file(site.resolve("/%zz")), "400");
        assert_eq!(file(site.resolve("/%+f")), "400");
        assert_eq!(
            file(site.resolve("/app%2Ejs")).rsplit('/').next(),
            Some("app.js")
        );
        assert_eq!(file(site.resolve("/a%00b")), "400");
        assert_eq!(file(site.resolve("relative")), "400");
        assert_eq!(file(site.resolve("/missing.js")), "404");
        assert_eq!(file(site.resolve("/pkg/")), "404");
    }

    #[test]
    fn mime_types_browsers_insist_on() {
        assert_eq!(mime_type(Path::new("a.wasm")), "application/wasm");
        assert_eq!(
            mime_type(Path::new("a.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            mime_type(Path::new("a.mjs")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(mime_type(Path::new("a.HTML")), "text/html; charset=utf-8");
        assert_eq!(mime_type(Path::new("a.css")), "text/css; charset=utf-8");
        assert_eq!(mime_type(Path::new("a")), "application/octet-stream");
    }

    #[test]
    fn serves_get_and_head_and_refuses_the_rest() {
        let (site, _fixture) = site("serve");
        let server = Server::start(site, Listeners::bind(0).unwrap()).unwrap();
        let page = ask(&server, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
        assert!(page.contains("Content-Type: text/html; charset=utf-8\r\n"));
        assert!(page.ends_with("\r\n\r\n<title>demo</title>"), "{page}");

        let wasm = ask(&server, "HEAD /pkg/m_bg.wasm HTTP/1.1\r\n\r\n");
        assert!(
            wasm.contains("Content-Type: application/wasm\r\n"),
            "{wasm}"
        );
        assert!(wasm.contains("Content-Length: 8\r\n"), "{wasm}");
        assert!(wasm.ends_with("\r\n\r\n"), "HEAD has no body: {wasm}");

        let post = ask(&server, "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        assert!(post.starts_with("HTTP/1.1 405 "), "{post}");
        assert!(post.contains("Allow: GET, HEAD\r\n"));

        let missing = ask(&server, "GET /nothing.here HTTP/1.1\r\n\r\n");
        assert!(missing.starts_with("HTTP/1.1 404 "), "{missing}");

        let escape = ask(&server, "GET /../secret.txt HTTP/1.1\r\n\r\n");
        assert!(
            escape.starts_with("HTTP/1.1 403 ") && !escape.contains("secret\n"),
            "{escape}"
        );

        let moved = ask(&server, "GET /pkg HTTP/1.1\r\n\r\n");
        assert!(
            moved.starts_with("HTTP/1.1 301 ") && moved.contains("Location: /pkg/\r\n"),
            "{moved}"
        );

        let huge = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD));
        assert!(ask(&server, &huge).starts_with("HTTP/1.1 400 "));
    }

    #[test]
    fn only_the_test_server_removes_methods_and_only_image_capture_ones() {
        let (mut site, _fixture) = site("remove");
        let body = |site: &Site, target: &str| {
            let r = site.respond("GET", target);
            (r.status, String::from_utf8_lossy(&r.body).into_owned())
        };
        // `cargo xtask demo`: the page as it is, whatever the query.
        assert_eq!(
            body(&site, "/?e2e-remove=grabFrame"),
            (200, "<title>demo</title>".into())
        );
        site.test_hooks = true;
        let (status, page) = body(&site, "/?ours&e2e-remove=grabFrame%2CtakePhoto#x");
        assert_eq!(status, 200);
        assert!(
            page.starts_with("<script>") && page.ends_with("</script><title>demo</title>"),
            "{page}"
        );
        assert!(
            page.contains(
                r#"for (const m of ["grabFrame", "takePhoto"]) delete ImageCapture.prototype[m];"#
            ),
            "{page}"
        );
        // Not asked, not HTML, or not a method: nothing injected.
        assert_eq!(body(&site, "/?ours"), (200, "<title>demo</title>".into()));
        assert_eq!(
            body(&site, "/app.js?e2e-remove=grabFrame"),
            (200, "export {};".into())
        );
        assert_eq!(body(&site, "/?e2e-remove=constructor").0, 400);
        assert_eq!(body(&site, "/?e2e-remove=").0, 400);
        assert_eq!(
            String::from_utf8_lossy(&inject_first(b"<html><HEAD><meta></HEAD>", "<s>")),
            "<html><HEAD><s><meta></HEAD>"
        );
    }

    #[test]
    fn a_taken_port_is_a_clear_error() {
        let first = Listeners::bind(0).unwrap();
        let error = Listeners::bind(first.port).err().unwrap();
        assert!(
            error.contains("already in use") && error.contains("--port"),
            "{error}"
        );
    }
}
