//! The events API (`libpq-events.h`): event procs registered on a connection,
//! copied into its results, and called at the points libpq calls them
//! (register, connection reset and destroy, result create, copy and destroy).
//! This module is the one place that calls an event proc.

use std::ffi::{c_char, c_int, c_void, CStr, CString};

use super::handle::{borrow, borrow_mut, c_str, guard};
use super::types::{
    PGEventConnDestroy, PGEventConnReset, PGEventId, PGEventProc, PGEventRegister,
    PGEventResultCopy, PGEventResultCreate, PGEventResultDestroy, PGconn, PGresult,
};

/// A registered proc: never NULL once registered.
pub type EventProcFn = unsafe extern "C" fn(
    evt_id: PGEventId,
    evt_info: *mut c_void,
    pass_through: *mut c_void,
) -> c_int;

/// One registered event proc and its instance data (libpq's `PGEvent`).
#[derive(Debug)]
pub struct Event {
    proc_: EventProcFn,
    name: CString,
    pass_through: *mut c_void,
    data: *mut c_void,
    /// For a result's copy: whether RESULTCREATE (or RESULTCOPY) succeeded,
    /// so that RESULTDESTROY is owed.
    result_initialized: bool,
}

impl Event {
    pub fn name(&self) -> &CStr {
        &self.name
    }
}

/// The events of a connection or of a result.
#[derive(Debug, Default)]
pub struct Events(Vec<Event>);

impl Events {
    /// The copy a new result gets (libpq's dupEvents): no instance data,
    /// nothing initialized yet.
    pub fn for_result(&self) -> Events {
        Events(
            self.0
                .iter()
                .map(|e| Event {
                    proc_: e.proc_,
                    name: e.name.clone(),
                    pass_through: e.pass_through,
                    data: std::ptr::null_mut(),
                    result_initialized: false,
                })
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, proc_: EventProcFn) -> Option<&Event> {
        self.0.iter().find(|e| e.proc_ as usize == proc_ as usize)
    }

    fn find_mut(&mut self, proc_: EventProcFn) -> Option<&mut Event> {
        self.0
            .iter_mut()
            .find(|e| e.proc_ as usize == proc_ as usize)
    }

    /// Memory the events take, for PQresultMemorySize.
    pub fn memory_size(&self) -> usize {
        self.0
            .iter()
            .map(|e| std::mem::size_of::<Event>() + e.name.as_bytes_with_nul().len())
            .sum()
    }
}

/// PGEVT_RESULTCREATE for every event of `res` not yet initialized; false
/// at the first proc that fails (libpq's PQfireResultCreateEvents). The
/// procs get pointers made from the two references, which are not used
/// while the procs run.
pub fn fire_result_create(conn: &mut PGconn, res: &mut PGresult) -> bool {
    // SAFETY: both pointers come from live exclusive references.
    unsafe { result_create(conn, res) }
}

/// [`fire_result_create`] on pointers.
///
/// # Safety
/// `res` is a live result and `conn` NULL or a live connection, neither
/// referenced elsewhere during the call.
unsafe fn result_create(conn: *mut PGconn, res: *mut PGresult) -> bool {
    let mut all_ok = true;
    // SAFETY: res is a live result; the reference is not held across the
    // proc calls, which may use the result through the pointer.
    let count = unsafe { (*res).events().0.len() };
    for i in 0..count {
        // SAFETY: as above; procs can't remove events, so index i exists.
        let (done, proc_, pass) = unsafe {
            let e = &(*res).events().0[i];
            (e.result_initialized, e.proc_, e.pass_through)
        };
        if done {
            continue;
        }
        let mut info = PGEventResultCreate { conn, result: res };
        // SAFETY: the proc was registered by the application for this call shape, and `info` is the event's documented struct, alive across the call; no reference into *res is live here.
        if unsafe {
            proc_(
                PGEventId::PGEVT_RESULTCREATE,
                (&mut info as *mut PGEventResultCreate).cast(),
                pass,
            )
        } != 0
        {
            // SAFETY: as above.
            unsafe { (*res).events_mut().0[i].result_initialized = true };
        } else {
            // As libpq 18: the others still hear of it; this one is owed no RESULTDESTROY.
            all_ok = false;
        }
    }
    all_ok
}

/// PGEVT_RESULTCOPY for each event of `dest` whose counterpart in `src`
/// was initialized (libpq's PQcopyResult).
pub fn fire_result_copy(src: &PGresult, dest: &mut PGresult) {
    let (src, dest): (*const PGresult, *mut PGresult) = (src, dest);
    // SAFETY: both are live results; see fire_result_create.
    let count = unsafe { (*dest).events().0.len() };
    for i in 0..count {
        // SAFETY: dest's events were copied from src's, index for index.
        let owed = unsafe {
            (*src)
                .events()
                .0
                .get(i)
                .is_some_and(|e| e.result_initialized)
        };
        if !owed {
            continue;
        }
        // SAFETY: as above.
        let (proc_, pass) = unsafe {
            let e = &(*dest).events().0[i];
            (e.proc_, e.pass_through)
        };
        let mut info = PGEventResultCopy { src, dest };
        // SAFETY: the proc was registered by the application for this call shape, and `info` is the event's documented struct, alive across the call; no reference into either result is live.
        if unsafe {
            proc_(
                PGEventId::PGEVT_RESULTCOPY,
                (&mut info as *mut PGEventResultCopy).cast(),
                pass,
            )
        } != 0
        {
            // SAFETY: as above.
            unsafe { (*dest).events_mut().0[i].result_initialized = true };
        }
    }
}

/// PGEVT_RESULTDESTROY for the initialized events of a result being freed.
/// The events stay in place meanwhile: a proc typically fetches its
/// instance data with PQresultInstanceData to free it.
pub fn fire_result_destroy(res: &mut PGresult) {
    let res: *mut PGresult = res;
    // SAFETY: res is live until the caller frees it; see fire_result_create.
    let count = unsafe { (*res).events().0.len() };
    for i in 0..count {
        // SAFETY: as above.
        let (owed, proc_, pass) = unsafe {
            let e = &(*res).events().0[i];
            (e.result_initialized, e.proc_, e.pass_through)
        };
        if owed {
            let mut info = PGEventResultDestroy { result: res };
            // SAFETY: the proc was registered by the application for this call shape, and `info` is the event's documented struct, alive across the call; no reference into *res is live.
            unsafe {
                proc_(
                    PGEventId::PGEVT_RESULTDESTROY,
                    (&mut info as *mut PGEventResultDestroy).cast(),
                    pass,
                )
            };
        }
    }
}

/// PGEVT_CONNDESTROY for every event of a connection being freed (PQfinish);
/// the events stay in place while the procs run (they fetch their instance
/// data with PQinstanceData).
///
/// # Safety
/// `conn` is a live connection, not referenced elsewhere during the call.
pub unsafe fn fire_conn_destroy(conn: *mut PGconn) {
    // SAFETY: forwarded contract.
    unsafe {
        tell_every_proc(conn, PGEventId::PGEVT_CONNDESTROY, || PGEventConnDestroy {
            conn,
        })
    };
    // SAFETY: as above; no proc runs any more.
    unsafe { conn_events(conn) }.0.clear();
}

/// PGEVT_CONNRESET after a successful reset, to every proc; libpq 18
/// ignores what they answer.
///
/// # Safety
/// As [`fire_conn_destroy`].
pub unsafe fn fire_conn_reset(conn: *mut PGconn) {
    // SAFETY: forwarded contract.
    unsafe {
        tell_every_proc(conn, PGEventId::PGEVT_CONNRESET, || PGEventConnReset {
            conn,
        })
    };
}

/// Calls every proc of the connection with event `id` and a fresh `info`,
/// ignoring the answers.
///
/// # Safety
/// As [`fire_conn_destroy`]; `T` is the struct libpq-events.h gives `id`.
unsafe fn tell_every_proc<T>(conn: *mut PGconn, id: PGEventId, info: impl Fn() -> T) {
    // SAFETY: conn is live; the reference is dropped before each call.
    let count = unsafe { conn_events(conn) }.0.len();
    for i in 0..count {
        // SAFETY: as above; procs can't unregister, so index i exists.
        let (proc_, pass) = unsafe {
            let e = &conn_events(conn).0[i];
            (e.proc_, e.pass_through)
        };
        let mut info = info();
        // SAFETY: the proc was registered by the application for this call
        // shape, and `info` is the event's documented struct, alive across the call.
        unsafe { proc_(id, (&mut info as *mut T).cast(), pass) };
    }
}

/// The events of a connection, through its pointer.
///
/// # Safety
/// `conn` is live and the reference is dropped before any proc runs.
unsafe fn conn_events<'a>(conn: *mut PGconn) -> &'a mut Events {
    // SAFETY: forwarded contract.
    unsafe { &mut (*conn).events }
}

// ---- exports ----

/// Registers `proc_` on the connection and sends it PGEVT_REGISTER; 0 for
/// bad arguments, a proc already registered, or a proc refusing to register.
#[no_mangle]
pub unsafe extern "C" fn PQregisterEventProc(
    conn: *mut PGconn,
    proc_: PGEventProc,
    name: *const c_char,
    pass_through: *mut c_void,
) -> c_int {
    guard(0, || {
        // SAFETY: libpq's contract (see the module documentation).
        let name = unsafe { c_str(name) };
        let (Some(proc_), Some(name)) = (proc_, name) else {
            return 0;
        };
        // SAFETY: as above.
        let Some(c) = (unsafe { borrow_mut(conn) }) else {
            return 0;
        };
        if name.is_empty() || c.events.find(proc_).is_some() {
            return 0;
        }
        c.events.0.push(Event {
            proc_,
            name: name.to_owned(),
            pass_through,
            data: std::ptr::null_mut(),
            result_initialized: false,
        });
        let mut info = PGEventRegister { conn };
        // SAFETY: the proc may use the connection through the pointer; no
        // reference into it is held across the call.
        let ok = unsafe {
            proc_(
                PGEventId::PGEVT_REGISTER,
                (&mut info as *mut PGEventRegister).cast(),
                pass_through,
            )
        } != 0;
        if !ok {
            // SAFETY: conn is live (checked above).
            unsafe { conn_events(conn) }.0.pop();
            return 0;
        }
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQsetInstanceData(
    conn: *mut PGconn,
    proc_: PGEventProc,
    data: *mut c_void,
) -> c_int {
    guard(0, || {
        // SAFETY: libpq's contract (see the module documentation).
        let (Some(c), Some(p)) = (unsafe { borrow_mut(conn) }, proc_) else {
            return 0;
        };
        match c.events.find_mut(p) {
            Some(e) => {
                e.data = data;
                1
            }
            None => 0,
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQinstanceData(conn: *const PGconn, proc_: PGEventProc) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        // SAFETY: libpq's contract (see the module documentation).
        let (Some(c), Some(p)) = (unsafe { borrow(conn) }, proc_) else {
            return std::ptr::null_mut();
        };
        c.events.find(p).map_or(std::ptr::null_mut(), |e| e.data)
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQresultSetInstanceData(
    result: *mut PGresult,
    proc_: PGEventProc,
    data: *mut c_void,
) -> c_int {
    guard(0, || {
        // SAFETY: libpq's contract (see the module documentation).
        let (Some(r), Some(p)) = (unsafe { borrow_mut(result) }, proc_) else {
            return 0;
        };
        match r.events_mut().find_mut(p) {
            Some(e) => {
                e.data = data;
                1
            }
            None => 0,
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQresultInstanceData(
    result: *const PGresult,
    proc_: PGEventProc,
) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        // SAFETY: libpq's contract (see the module documentation).
        let (Some(r), Some(p)) = (unsafe { borrow(result) }, proc_) else {
            return std::ptr::null_mut();
        };
        r.events().find(p).map_or(std::ptr::null_mut(), |e| e.data)
    })
}

/// PGEVT_RESULTCREATE for a result the application made
/// (PQmakeEmptyPGresult with a connection); `conn` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn PQfireResultCreateEvents(conn: *mut PGconn, res: *mut PGresult) -> c_int {
    guard(0, || {
        if res.is_null() {
            return 0;
        }
        // SAFETY: libpq's contract: res is a live result, conn NULL or live.
        unsafe { result_create(conn, res) as c_int }
    })
}
