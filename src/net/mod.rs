//! Sockets: name resolution, non-blocking TCP and Unix-domain connects, socket
//! options, reads and writes, and waiting with poll(2). One of the few places
//! that call libc directly; each call says why it is sound.

pub mod certname;
pub mod tls;

use std::ffi::{CStr, CString};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::time::Instant;

/// Where to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    Inet(SocketAddr),
    Unix(PathBuf),
}

/// A connected (or connecting) non-blocking socket, closed on drop.
#[derive(Debug)]
pub struct Socket {
    fd: OwnedFd,
    is_unix: bool,
}

/// Resolves a host name (or a numeric address when `numeric_only`) for TCP.
/// The error is getaddrinfo's own text (gai_strerror).
pub fn resolve(host: &str, port: u16, numeric_only: bool) -> Result<Vec<SocketAddr>, String> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let c_host = CString::new(host).map_err(|_| gai_error(libc::EAI_NONAME))?;
    // SAFETY: a zeroed addrinfo is the documented "no hints" value; we set the fields we need.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = libc::AF_UNSPEC;
    hints.ai_socktype = libc::SOCK_STREAM;
    if numeric_only {
        hints.ai_flags = libc::AI_NUMERICHOST;
    }
    let mut list: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: valid NUL-terminated host, valid hints, and an out-pointer we free below.
    let rc = unsafe { libc::getaddrinfo(c_host.as_ptr(), std::ptr::null(), &hints, &mut list) };
    if rc != 0 {
        return Err(gai_error(rc));
    }
    let mut out = Vec::new();
    let mut cur = list;
    while !cur.is_null() {
        // SAFETY: cur walks the list getaddrinfo returned, which stays valid until freeaddrinfo.
        let ai = unsafe { &*cur };
        if let Some(addr) = sockaddr_to_std(ai.ai_addr, ai.ai_addrlen) {
            let addr = SocketAddr::new(addr.ip(), port);
            if !out.contains(&addr) {
                out.push(addr);
            }
        }
        cur = ai.ai_next;
    }
    // SAFETY: list came from a successful getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(list) };
    Ok(out)
}

/// A host name being resolved on a helper thread, so that connecting never
/// blocks in getaddrinfo(3). The caller waits for [`Resolution::raw_fd`] (an
/// eventfd) to become readable, then takes the answer with
/// [`Resolution::try_take`]. The eventfd is writable from the start, which is
/// what a caller that has just started connecting waits for.
///
/// Dropping the value abandons the lookup: the thread finishes on its own
/// and the descriptor is closed when both sides are done with it.
#[derive(Debug)]
pub struct Resolution {
    shared: std::sync::Arc<ResolutionShared>,
}

#[derive(Debug)]
struct ResolutionShared {
    fd: OwnedFd,
    answer: std::sync::Mutex<Option<Result<Vec<SocketAddr>, String>>>,
}

impl Resolution {
    /// Starts resolving `host` (a name, not a numeric address) for `port`.
    /// Fails only when the eventfd or the thread cannot be made; the caller
    /// then resolves in place.
    pub fn start(host: &str, port: u16) -> io::Result<Resolution> {
        // SAFETY: plain eventfd(2) call; the result is checked before use.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let shared = std::sync::Arc::new(ResolutionShared {
            // SAFETY: fd is a fresh descriptor we own from here on.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
            answer: std::sync::Mutex::new(None),
        });
        let theirs = std::sync::Arc::clone(&shared);
        let host = host.to_string();
        std::thread::Builder::new()
            .name("libpq-resolve".into())
            .spawn(move || {
                let answer = resolve(&host, port, false);
                if let Ok(mut slot) = theirs.answer.lock() {
                    *slot = Some(answer);
                }
                let one: u64 = 1;
                // SAFETY: writes the 8 bytes of `one` to our eventfd, which
                // stays open while `theirs` lives.
                unsafe {
                    libc::write(
                        theirs.fd.as_raw_fd(),
                        &one as *const u64 as *const libc::c_void,
                        8,
                    )
                };
            })?;
        Ok(Resolution { shared })
    }

    /// The descriptor that becomes readable when the answer is in.
    pub fn raw_fd(&self) -> RawFd {
        self.shared.fd.as_raw_fd()
    }

    /// The answer, once the thread has it.
    pub fn try_take(&self) -> Option<Result<Vec<SocketAddr>, String>> {
        self.shared.answer.lock().ok()?.take()
    }
}

fn gai_error(code: i32) -> String {
    // SAFETY: gai_strerror returns a pointer to a static message for any code.
    unsafe { CStr::from_ptr(libc::gai_strerror(code)) }
        .to_string_lossy()
        .into_owned()
}

fn sockaddr_to_std(sa: *const libc::sockaddr, len: libc::socklen_t) -> Option<SocketAddr> {
    if sa.is_null() {
        return None;
    }
    // SAFETY: getaddrinfo fills ai_addr with a sockaddr of the family it names and length ai_addrlen.
    unsafe {
        match (*sa).sa_family as i32 {
            libc::AF_INET if len as usize >= std::mem::size_of::<libc::sockaddr_in>() => {
                let sin = &*(sa as *const libc::sockaddr_in);
                let ip = std::net::Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                Some(SocketAddr::new(ip.into(), 0))
            }
            libc::AF_INET6 if len as usize >= std::mem::size_of::<libc::sockaddr_in6>() => {
                let sin6 = &*(sa as *const libc::sockaddr_in6);
                let ip = std::net::Ipv6Addr::from(sin6.sin6_addr.s6_addr);
                Some(SocketAddr::V6(std::net::SocketAddrV6::new(
                    ip,
                    0,
                    sin6.sin6_flowinfo,
                    sin6.sin6_scope_id,
                )))
            }
            _ => None,
        }
    }
}

/// A sockaddr in the layout the kernel wants, with its length.
fn to_sockaddr(addr: &Address) -> io::Result<(libc::sockaddr_storage, libc::socklen_t)> {
    // SAFETY: sockaddr_storage is plain data; all-zero is a valid value.
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        Address::Inet(SocketAddr::V4(a)) => {
            // SAFETY: sockaddr_storage is large and aligned enough for any sockaddr.
            let sin = unsafe { &mut *(&mut ss as *mut _ as *mut libc::sockaddr_in) };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port().to_be();
            sin.sin_addr.s_addr = u32::from(*a.ip()).to_be();
            std::mem::size_of::<libc::sockaddr_in>()
        }
        Address::Inet(SocketAddr::V6(a)) => {
            // SAFETY: as above.
            let sin6 = unsafe { &mut *(&mut ss as *mut _ as *mut libc::sockaddr_in6) };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_addr.s6_addr = a.ip().octets();
            sin6.sin6_flowinfo = a.flowinfo();
            sin6.sin6_scope_id = a.scope_id();
            std::mem::size_of::<libc::sockaddr_in6>()
        }
        Address::Unix(path) => {
            // SAFETY: as above.
            let sun = unsafe { &mut *(&mut ss as *mut _ as *mut libc::sockaddr_un) };
            sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
            let bytes = path.as_os_str().as_encoded_bytes();
            if bytes.len() >= sun.sun_path.len() {
                return Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG));
            }
            for (d, s) in sun.sun_path.iter_mut().zip(bytes) {
                *d = *s as libc::c_char;
            }
            std::mem::size_of::<libc::sa_family_t>() + bytes.len() + 1
        }
    };
    Ok((ss, len as libc::socklen_t))
}

/// What a non-blocking connect did at once.
pub enum ConnectStart {
    Connected(Socket),
    InProgress(Socket),
}

/// A socket option that could not be set: the option's name and the OS error.
#[derive(Debug)]
pub struct SockOptError {
    pub name: &'static str,
    pub error: io::Error,
}

/// TCP settings from the keepalives* and tcp_user_timeout options.
#[derive(Debug, Clone, Copy, Default)]
pub struct TcpSettings {
    pub keepalives: bool,
    pub keepalives_idle: Option<i32>,
    pub keepalives_interval: Option<i32>,
    pub keepalives_count: Option<i32>,
    pub user_timeout: Option<i32>,
}

impl Socket {
    /// Creates a socket and starts connecting without blocking.
    pub fn connect(addr: &Address) -> io::Result<ConnectStart> {
        let family = match addr {
            Address::Inet(SocketAddr::V4(_)) => libc::AF_INET,
            Address::Inet(SocketAddr::V6(_)) => libc::AF_INET6,
            Address::Unix(_) => libc::AF_UNIX,
        };
        // SAFETY: plain socket(2) call; the result is checked before use.
        let fd = unsafe {
            libc::socket(
                family,
                libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                0,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a fresh descriptor we own from here on.
        let sock = Socket {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
            is_unix: family == libc::AF_UNIX,
        };
        if !sock.is_unix {
            sock.set_int(libc::IPPROTO_TCP, libc::TCP_NODELAY, 1)
                .map_err(|e| e.error)?;
        }
        let (ss, len) = to_sockaddr(addr)?;
        // SAFETY: ss holds a sockaddr of length len for this socket's family.
        let rc = unsafe { libc::connect(fd, &ss as *const _ as *const libc::sockaddr, len) };
        if rc == 0 {
            return Ok(ConnectStart::Connected(sock));
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINPROGRESS) | Some(libc::EINTR) | Some(libc::EAGAIN) => {
                Ok(ConnectStart::InProgress(sock))
            }
            _ => Err(err),
        }
    }

    /// The outcome of a connect that was in progress (SO_ERROR).
    pub fn connect_result(&self) -> io::Result<()> {
        let mut err: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: getsockopt writes one int into err, len says how big it is.
        let rc = unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                &mut err as *mut _ as *mut libc::c_void,
                &mut len,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        if err != 0 {
            return Err(io::Error::from_raw_os_error(err));
        }
        Ok(())
    }

    pub fn is_unix(&self) -> bool {
        self.is_unix
    }

    fn set_int(&self, level: i32, name: i32, value: i32) -> Result<(), SockOptError> {
        // SAFETY: setsockopt reads one int from value.
        let rc = unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                level,
                name,
                &value as *const _ as *const libc::c_void,
                std::mem::size_of::<i32>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            Err(SockOptError {
                name: "",
                error: io::Error::last_os_error(),
            })
        } else {
            Ok(())
        }
    }

    /// Keepalive and user-timeout options, named as libpq names them in errors.
    pub fn apply_tcp_settings(&self, s: &TcpSettings) -> Result<(), SockOptError> {
        if self.is_unix {
            return Ok(());
        }
        let named = |name: &'static str| move |e: SockOptError| SockOptError { name, ..e };
        if !s.keepalives {
            return self
                .set_int(libc::SOL_SOCKET, libc::SO_KEEPALIVE, 0)
                .map_err(named("SO_KEEPALIVE"));
        }
        self.set_int(libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1)
            .map_err(named("SO_KEEPALIVE"))?;
        if let Some(v) = s.keepalives_idle {
            self.set_int(libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, v)
                .map_err(named("TCP_KEEPIDLE"))?;
        }
        if let Some(v) = s.keepalives_interval {
            self.set_int(libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, v)
                .map_err(named("TCP_KEEPINTVL"))?;
        }
        if let Some(v) = s.keepalives_count {
            self.set_int(libc::IPPROTO_TCP, libc::TCP_KEEPCNT, v)
                .map_err(named("TCP_KEEPCNT"))?;
        }
        if let Some(v) = s.user_timeout {
            self.set_int(libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT, v)
                .map_err(named("TCP_USER_TIMEOUT"))?;
        }
        Ok(())
    }

    /// Reads what is available; `WouldBlock` when nothing is.
    pub fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            // SAFETY: recv writes at most buf.len() bytes into buf.
            let n = unsafe {
                libc::recv(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr() as *mut libc::c_void,
                    buf.len(),
                    0,
                )
            };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }

    /// Writes what the kernel takes; MSG_NOSIGNAL so a closed peer is an error, not SIGPIPE.
    pub fn write(&self, buf: &[u8]) -> io::Result<usize> {
        loop {
            // SAFETY: send reads at most buf.len() bytes from buf.
            let n = unsafe {
                libc::send(
                    self.fd.as_raw_fd(),
                    buf.as_ptr() as *const libc::c_void,
                    buf.len(),
                    libc::MSG_NOSIGNAL,
                )
            };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }

    /// The descriptor, for PQsocket and poll(2).
    pub fn raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// Waits until `fd` is readable and/or writable, or the deadline passes.
/// Returns false on timeout.
pub fn wait(fd: RawFd, read: bool, write: bool, deadline: Option<Instant>) -> io::Result<bool> {
    let mut events = 0;
    if read {
        events |= libc::POLLIN;
    }
    if write {
        events |= libc::POLLOUT;
    }
    loop {
        let timeout = match deadline {
            None => -1,
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    return Ok(false);
                }
                let ms = (d - now).as_millis().min(i32::MAX as u128) as i32;
                ms.max(1)
            }
        };
        let mut pfd = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, timeout) };
        if rc > 0 {
            return Ok(true);
        }
        if rc == 0 {
            if deadline.is_some() {
                continue;
            }
            return Ok(false);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Whether `fd` is ready for what is asked right now (poll(2) with no
/// timeout); an error counts as ready, so that the caller goes on and finds it.
pub fn ready_now(fd: RawFd, read: bool, write: bool) -> bool {
    let mut events = 0;
    if read {
        events |= libc::POLLIN;
    }
    if write {
        events |= libc::POLLOUT;
    }
    let mut pfd = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd, zero timeout.
        let rc = unsafe { libc::poll(&mut pfd, 1, 0) };
        if rc >= 0 {
            return rc > 0;
        }
        if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return true;
        }
    }
}

/// The text of an OS error number, as strerror gives it.
pub fn strerror(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(code) => {
            let mut buf = [0 as libc::c_char; 256];
            // SAFETY: the XSI/GNU strerror_r in libc crate is the POSIX variant writing into buf.
            let rc = unsafe { libc::strerror_r(code, buf.as_mut_ptr(), buf.len()) };
            if rc != 0 {
                return format!("Unknown error {code}");
            }
            // SAFETY: strerror_r NUL-terminates within buf on success.
            unsafe { CStr::from_ptr(buf.as_ptr()) }
                .to_string_lossy()
                .into_owned()
        }
        None => err.to_string(),
    }
}

/// libpq's PQsocketPoll: one poll(2) on `fd` until `end_time`
/// (microseconds since the epoch; -1 forever, 0 no wait). poll's answer:
/// >0 ready, 0 timed out, -1 failed (errno set). No direction: 0 at once.
pub fn socket_poll(fd: RawFd, read: bool, write: bool, end_time: i64) -> i32 {
    if !read && !write {
        return 0;
    }
    let mut events = libc::POLLERR;
    if read {
        events |= libc::POLLIN;
    }
    if write {
        events |= libc::POLLOUT;
    }
    let timeout_ms = match end_time {
        -1 => -1,
        0 => 0,
        t => ((t - now_usec()).max(0) / 1000).min(i32::MAX as i64) as i32,
    };
    let mut pfd = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: one valid pollfd, for the duration of the call.
    unsafe { libc::poll(&mut pfd, 1, timeout_ms) }
}

/// Microseconds since the Unix epoch (libpq's PQgetCurrentTimeUSec).
pub fn now_usec() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn answer_of(r: &Resolution) -> Result<Vec<SocketAddr>, String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        assert!(wait(r.raw_fd(), true, false, Some(deadline)).unwrap());
        r.try_take().expect("readable means answered")
    }

    #[test]
    fn resolution_signals_on_its_descriptor() {
        let r = Resolution::start("localhost", 5433).unwrap();
        // Writable from the start (what a caller waits for after PQconnectStart).
        assert!(ready_now(r.raw_fd(), false, true));
        let addrs = answer_of(&r).unwrap();
        assert!(!addrs.is_empty());
        assert!(addrs
            .iter()
            .all(|a| a.ip().is_loopback() && a.port() == 5433));
        // Taken once.
        assert!(r.try_take().is_none());
        assert_eq!(Ok(addrs), resolve("localhost", 5433, false));
    }

    #[test]
    fn resolution_failure_is_getaddrinfos_text() {
        let r = Resolution::start("nonexistent.invalid", 1).unwrap();
        let got = answer_of(&r);
        assert!(got.is_err(), "{got:?}");
        assert_eq!(got, resolve("nonexistent.invalid", 1, false));
    }

    #[test]
    fn abandoned_resolution_is_harmless() {
        for _ in 0..8 {
            drop(Resolution::start("localhost", 1).unwrap());
        }
    }

    #[test]
    fn ready_now_does_not_wait() {
        let r = Resolution::start("localhost", 1).unwrap();
        let t = Instant::now();
        // Not readable until the thread answers; either way no waiting.
        let _ = ready_now(r.raw_fd(), true, false);
        assert!(t.elapsed() < Duration::from_secs(1));
        answer_of(&r).unwrap();
    }
}
