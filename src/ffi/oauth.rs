//! The application's auth-data hook asked for an OAuth bearer token
//! (libpq's setup_token_request, run_user_oauth_flow and
//! cleanup_user_oauth_flow). No exports: the connection engine calls these.

use std::ffi::{c_int, c_void, CStr, CString};

use super::types::{PGauthData, PGconn, PGoauthBearerRequest};
use crate::messages::auth as msg;

/// What the hook gave.
pub enum TokenRequest {
    /// A token at once (the request's cleanup has run).
    Token(String),
    /// An async flow to poll (PQconnectPoll in CONNECTION_AUTHENTICATING).
    Async(AsyncFlow),
    /// libpq's message for the failure.
    Failed(&'static str),
}

/// How an async flow's poll ended.
pub enum FlowPoll {
    Done(String),
    /// Wait for the altsock: readable (true) or writable.
    Pending(bool),
}

/// A user-defined async OAuth flow: the request the hook filled in, kept at
/// a fixed address until its cleanup callback runs (on drop).
pub struct AsyncFlow {
    conn: *mut PGconn,
    request: Box<PGoauthBearerRequest>,
    _strings: (CString, Option<CString>),
    /// The descriptor the application wants polled, or -1.
    pub altsock: c_int,
}

fn token_of(request: &PGoauthBearerRequest) -> Option<String> {
    // SAFETY: the application set token to NULL or a C string it keeps
    // alive until cleanup.
    (!request.token.is_null()).then(|| {
        unsafe { CStr::from_ptr(request.token) }
            .to_string_lossy()
            .into_owned()
    })
}

/// Runs the request's cleanup callback, if the hook set one.
fn cleanup(conn: *mut PGconn, request: &mut PGoauthBearerRequest) {
    if let Some(f) = request.cleanup {
        // SAFETY: the callback is the application's, for this request.
        unsafe { f(conn, request) };
    }
}

/// Asks the hook (PQAUTHDATA_OAUTH_BEARER_TOKEN) for a token for the
/// discovery document `uri` and `scope`.
/// The hook gets the connection's handle, as in libpq (it may call PQ
/// functions on it).
pub fn request_token(conn: &mut PGconn, uri: &str, scope: Option<&str>) -> TokenRequest {
    let conn: *mut PGconn = conn;
    let uri_c = CString::new(uri).unwrap_or_default();
    let scope_c = scope.map(|s| CString::new(s).unwrap_or_default());
    let mut request = Box::new(PGoauthBearerRequest {
        openid_configuration: uri_c.as_ptr(),
        scope: scope_c.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
        r#async: None,
        cleanup: None,
        token: std::ptr::null_mut(),
        user: std::ptr::null_mut(),
    });
    let Some(hook) = super::connect::PQgetAuthDataHook() else {
        return TokenRequest::Failed(msg::OAUTH_NO_FLOWS);
    };
    let data = &mut *request as *mut PGoauthBearerRequest as *mut c_void;
    // SAFETY: the hook gets the connection and a live request, as in libpq.
    let res = unsafe { hook(PGauthData::PQAUTHDATA_OAUTH_BEARER_TOKEN, conn, data) };
    if res > 0 {
        if let Some(token) = token_of(&request) {
            cleanup(conn, &mut request);
            return TokenRequest::Token(token);
        }
        return TokenRequest::Async(AsyncFlow {
            conn,
            request,
            _strings: (uri_c, scope_c),
            altsock: -1,
        });
    }
    cleanup(conn, &mut request);
    TokenRequest::Failed(if res < 0 {
        msg::OAUTH_USER_FLOW_FAILED
    } else {
        msg::OAUTH_NO_FLOWS
    })
}

impl AsyncFlow {
    /// One call of the application's async callback.
    pub fn poll(&mut self) -> Result<FlowPoll, &'static str> {
        let Some(f) = self.request.r#async else {
            return Err(msg::OAUTH_USER_FLOW_NOTHING);
        };
        // SAFETY: the callback is the application's; the request and the
        // altsock slot live as long as this flow.
        let status = unsafe { f(self.conn, &mut *self.request, &mut self.altsock) };
        match status {
            0 => Err(msg::OAUTH_USER_FLOW_FAILED),
            3 => token_of(&self.request)
                .map(FlowPoll::Done)
                .ok_or(msg::OAUTH_USER_FLOW_NO_TOKEN),
            _ if self.altsock == -1 => Err(msg::OAUTH_USER_FLOW_NO_SOCKET),
            s => Ok(FlowPoll::Pending(s == 1)),
        }
    }
}

impl Drop for AsyncFlow {
    fn drop(&mut self) {
        cleanup(self.conn, &mut self.request);
        self.altsock = -1;
    }
}
