//! `PgResult`: one query result. Rows live in an arena: each DataRow is copied
//! once from the input buffer into a large block, its values NUL-terminated in
//! place, and a value is found in O(1) from a small index entry.
//! A result is never changed after it is handed out.

use std::ffi::{c_char, c_void, CStr, CString};
use std::ops::Deref;
use std::sync::Arc;

use crate::ffi::events::Events;
use crate::ffi::notice::NoticeHooks;
use crate::ffi::types::{
    ExecStatusType, PG_COPYRES_ATTRS, PG_COPYRES_EVENTS, PG_COPYRES_NOTICEHOOKS, PG_COPYRES_TUPLES,
};
use crate::messages::result as msg;
use crate::protocol::backend::FieldDescription;

/// One column's description.
#[derive(Debug, Clone)]
pub struct Field {
    /// None only for the columns of a COPY result (libpq leaves their
    /// names NULL; PQfname returns NULL).
    pub name: Option<Text>,
    pub table_oid: u32,
    pub column: i32,
    pub type_oid: u32,
    pub type_len: i32,
    pub type_mod: i32,
    pub format: i32,
}

/// A NUL-terminated text of a result (command tag, OID, column name, error
/// field), kept inline when short, so the common ones cost no allocation
/// (libpq keeps them in the result's own blocks, pqResultStrdup); a longer
/// one is on the heap. Built from bytes up to their first NUL.
#[derive(Clone)]
pub struct Text(TextRepr);

/// Bytes kept inline, with the NUL: command tags ("SELECT 1000000",
/// "INSERT 0 12"), OIDs and most column names fit.
const INLINE_TEXT: usize = 32;

#[derive(Clone)]
enum TextRepr {
    /// `len` bytes then a NUL.
    Inline {
        len: u8,
        buf: [u8; INLINE_TEXT],
    },
    Heap(CString),
}

impl Default for Text {
    fn default() -> Self {
        Text(TextRepr::Inline {
            len: 0,
            buf: [0; INLINE_TEXT],
        })
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_c_str().fmt(f)
    }
}

impl Text {
    /// The bytes up to the first NUL of `bytes`.
    pub fn new(bytes: &[u8]) -> Self {
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let bytes = &bytes[..end];
        if bytes.len() < INLINE_TEXT {
            let mut buf = [0; INLINE_TEXT];
            buf[..bytes.len()].copy_from_slice(bytes);
            Text(TextRepr::Inline {
                len: bytes.len() as u8,
                buf,
            })
        } else {
            Text(TextRepr::Heap(CString::new(bytes).unwrap_or_default()))
        }
    }
    pub fn as_c_str(&self) -> &CStr {
        match &self.0 {
            TextRepr::Inline { len, buf } => {
                CStr::from_bytes_with_nul(&buf[..=*len as usize]).unwrap_or(EMPTY)
            }
            TextRepr::Heap(c) => c,
        }
    }
    fn as_bytes(&self) -> &[u8] {
        self.as_c_str().to_bytes()
    }
    fn as_bytes_with_nul(&self) -> &[u8] {
        self.as_c_str().to_bytes_with_nul()
    }
    fn to_string_lossy(&self) -> std::borrow::Cow<'_, str> {
        self.as_c_str().to_string_lossy()
    }
}

impl Deref for Text {
    type Target = CStr;
    fn deref(&self) -> &CStr {
        self.as_c_str()
    }
}

impl From<&CStr> for Text {
    fn from(c: &CStr) -> Self {
        Text::new(c.to_bytes())
    }
}

/// The column descriptions, shared between results (each result of
/// single-row or chunked mode and PQcopyResult's copies get the same
/// ones instead of a copy with every name allocated again).
#[derive(Debug, Default, Clone)]
struct Columns {
    shared: Option<Arc<[Field]>>,
    /// The count, beside the pointer (read for every value accessed).
    len: usize,
}

impl Columns {
    fn new(shared: Arc<[Field]>) -> Self {
        Columns {
            len: shared.len(),
            shared: (!shared.is_empty()).then_some(shared),
        }
    }
    #[inline(always)]
    fn len(&self) -> usize {
        self.len
    }
}

impl Deref for Columns {
    type Target = [Field];
    fn deref(&self) -> &[Field] {
        self.shared.as_deref().unwrap_or(&[])
    }
}

impl From<Vec<Field>> for Columns {
    fn from(v: Vec<Field>) -> Self {
        Columns::new(v.into())
    }
}

/// The columns with the empty name for any that has none (libpq's
/// PQsetResultAttrs gives a column without a name its `null_field`).
fn named(fields: &[Field]) -> Vec<Field> {
    let mut v = fields.to_vec();
    for f in &mut v {
        f.name.get_or_insert_with(Text::default);
    }
    v
}

/// Where a value lives: a block of the arena and an offset, or NULL (`len < 0`).
#[derive(Debug, Clone, Copy)]
struct Value {
    block: u32,
    offset: u32,
    len: i32,
}

const NULL_VALUE: Value = Value {
    block: 0,
    offset: 0,
    len: -1,
};

/// Row storage in blocks that never move once filled.
#[derive(Debug, Default)]
struct Arena {
    blocks: Vec<Vec<u8>>,
}

/// The first block: small enough for malloc's per-thread cache (a result of
/// one row, e.g. each one of single-row mode, costs a cached malloc), then
/// doubling up to MAX_BLOCK.
const FIRST_BLOCK: usize = 1024;
const MAX_BLOCK: usize = 1024 * 1024;

impl Arena {
    /// The index of a block with room for `n` more bytes: the last one, or
    /// a new one twice its size (capped); None when memory runs out
    /// (libpq's "out of memory", never an abort).
    fn block_with_room(&mut self, n: usize) -> Option<usize> {
        let fits = self
            .blocks
            .last()
            .is_some_and(|b| b.capacity() - b.len() >= n);
        if !fits {
            let grow = self
                .blocks
                .last()
                .map_or(FIRST_BLOCK, |b| (b.capacity() * 2).min(MAX_BLOCK));
            let mut block = Vec::new();
            block.try_reserve_exact(grow.max(n)).ok()?;
            self.blocks.try_reserve(1).ok()?;
            self.blocks.push(block);
        }
        Some(self.blocks.len() - 1)
    }

    /// Reserves `n` zeroed bytes and returns (block, offset, the writable
    /// bytes).
    fn alloc(&mut self, n: usize) -> Option<(u32, u32, &mut [u8])> {
        let index = self.block_with_room(n)?;
        let block = &mut self.blocks[index];
        let offset = block.len();
        // Within capacity: the block's memory never moves, so earlier values stay put.
        block.resize(offset + n, 0);
        Some((index as u32, offset as u32, &mut block[offset..]))
    }

    /// Appends `bytes` and a NUL; returns (block, offset, the appended
    /// bytes, NUL included). No zeroing first, unlike [`Arena::alloc`].
    fn append(&mut self, bytes: &[u8]) -> Option<(u32, u32, &mut [u8])> {
        let index = self.block_with_room(bytes.len() + 1)?;
        let block = &mut self.blocks[index];
        let offset = block.len();
        // Within capacity, as above.
        block.extend_from_slice(bytes);
        block.push(0);
        Some((index as u32, offset as u32, &mut block[offset..]))
    }

    /// Undoes the last [`Arena::append`] at (block, offset).
    fn give_back(&mut self, block: u32, offset: u32) {
        if let Some(b) = self.blocks.get_mut(block as usize) {
            b.truncate(offset as usize);
        }
    }

    fn bytes(&self) -> usize {
        self.blocks.iter().map(|b| b.capacity()).sum()
    }
}

/// A query result, as `PGresult`.
pub struct PgResult {
    status: ExecStatusType,
    /// A status code outside ExecStatusType given to PQmakeEmptyPGresult:
    /// PQresultStatus reports it as given, as libpq does (`status` is then
    /// PGRES_BAD_RESPONSE, so no error logic applies to it).
    foreign_status: Option<u32>,
    fields: Columns,
    values: Vec<Value>,
    ntuples: usize,
    arena: Arena,
    binary: bool,
    cmd_status: Text,
    oid_status: Text,
    error_message: Text,
    error_fields: Vec<(u8, Text)>,
    /// The statement an error position refers to (libpq's errQuery).
    error_query: Option<Box<[u8]>>,
    /// Parameter types of a described statement (empty for other results).
    param_types: Vec<u32>,
    hooks: NoticeHooks,
    client_encoding: i32,
    /// Event procs copied from the connection (or the copied result).
    events: Events,
    /// PQresultAlloc's blocks (`malloc`), freed with the result.
    allocations: Vec<(*mut c_void, usize)>,
}

/// The empty string every NULL value and missing text points at.
static EMPTY: &CStr = c"";

impl PgResult {
    pub fn new(status: ExecStatusType, hooks: NoticeHooks, client_encoding: i32) -> Self {
        PgResult {
            status,
            foreign_status: None,
            fields: Columns::default(),
            values: Vec::new(),
            ntuples: 0,
            arena: Arena::default(),
            binary: false,
            cmd_status: Text::default(),
            oid_status: Text::default(),
            error_message: Text::default(),
            error_fields: Vec::new(),
            error_query: None,
            param_types: Vec::new(),
            hooks,
            client_encoding,
            events: Events::default(),
            allocations: Vec::new(),
        }
    }

    /// An error result made by the library itself (no server fields).
    pub fn client_error(message: &[u8], hooks: NoticeHooks, client_encoding: i32) -> Self {
        let mut r = Self::new(ExecStatusType::PGRES_FATAL_ERROR, hooks, client_encoding);
        r.set_error_message(message);
        r
    }

    /// The columns of CopyInResponse/CopyOutResponse/CopyBothResponse: a
    /// format each and no names; PQbinaryTuples is the COPY's overall
    /// format, whatever the columns say (libpq's getCopyStart).
    pub fn set_copy_columns(&mut self, overall_binary: bool, formats: &[i16]) {
        self.binary = overall_binary;
        self.fields = formats
            .iter()
            .map(|&format| Field {
                name: None,
                table_oid: 0,
                column: 0,
                type_oid: 0,
                type_len: 0,
                type_mod: 0,
                format: format as i32,
            })
            .collect::<Vec<_>>()
            .into();
    }

    /// Columns from a RowDescription (an exact-size iterator: the columns
    /// are collected with one allocation).
    pub fn set_fields<'a>(&mut self, fields: impl ExactSizeIterator<Item = FieldDescription<'a>>) {
        self.binary = fields.len() > 0;
        let binary = &mut self.binary;
        let columns = fields
            .map(|f| {
                if f.format != 1 {
                    *binary = false;
                }
                Field {
                    name: Some(Text::new(f.name)),
                    table_oid: f.table_oid,
                    column: f.column as i32,
                    type_oid: f.type_oid,
                    type_len: f.type_len as i32,
                    type_mod: f.type_mod,
                    format: f.format as i32,
                }
            })
            .collect::<Arc<[Field]>>();
        self.fields = Columns::new(columns);
    }

    /// Adds one DataRow body. On a malformed row nothing is added and libpq's
    /// complaint is returned. One copy of the row into the arena, then one
    /// pass over its length words: each value is indexed and NUL-terminated
    /// in place over the next value's length word (the words are read from
    /// the source), and a lying length is refused before the row counts.
    pub fn add_row(&mut self, body: &[u8]) -> Result<(), &'static str> {
        let Some((&count, row)) = body.split_first_chunk::<2>() else {
            return Err(msg::INSUFFICIENT_DATA_IN_D);
        };
        let n = i16::from_be_bytes(count);
        if n as i32 != self.fields.len() as i32 {
            return Err(msg::UNEXPECTED_FIELD_COUNT_IN_D);
        }
        if self.values.try_reserve(n as usize).is_err() {
            return Err(msg::OUT_OF_MEMORY_FOR_RESULT);
        }
        // The row plus a byte for the last value's NUL.
        let Some((block, base, dst)) = self.arena.append(row) else {
            return Err(msg::OUT_OF_MEMORY_FOR_RESULT);
        };
        let first = self.values.len();
        let mut at = 0;
        let mut failure = None;
        for _ in 0..n {
            let Some(&word) = row.get(at..).and_then(|r| r.first_chunk::<4>()) else {
                failure = Some(msg::INSUFFICIENT_DATA_IN_D);
                break;
            };
            at += 4;
            let len = i32::from_be_bytes(word);
            if len < 0 {
                self.values.push(NULL_VALUE);
                continue;
            }
            let end = at + len as usize;
            // Within the copy (one byte longer than the row) when the length is true.
            let Some(nul) = dst.get_mut(end) else {
                failure = Some(msg::INSUFFICIENT_DATA_IN_D);
                break;
            };
            *nul = 0;
            self.values.push(Value {
                block,
                offset: base + at as u32,
                len,
            });
            at = end;
        }
        if failure.is_none() && at != row.len() {
            failure = Some(msg::D_LENGTH_MISMATCH);
        }
        if let Some(text) = failure {
            self.values.truncate(first);
            self.arena.give_back(block, base);
            return Err(text);
        }
        self.ntuples += 1;
        Ok(())
    }

    // ---- building by the caller (PQsetResultAttrs, PQsetvalue, PQcopyResult) ----

    /// `PQsetResultAttrs`: false when the result already has columns; no
    /// columns given is a successful no-op.
    pub fn set_attrs(&mut self, attrs: &[Field]) -> bool {
        self.set_columns(Columns::from(named(attrs)))
    }

    fn set_columns(&mut self, columns: Columns) -> bool {
        if !self.fields.is_empty() {
            return false;
        }
        if columns.is_empty() {
            return true;
        }
        self.fields = columns;
        let attrs = &self.fields;
        self.binary = attrs.iter().all(|f| f.format != 0);
        // Rows made before there were columns (SELECT of no columns) get
        // NULLs, so every row has a value per column.
        self.values = vec![NULL_VALUE; self.ntuples * attrs.len()];
        true
    }

    /// `PQsetvalue`: sets one value (None is SQL NULL), appending a row of
    /// NULLs when `row` is the row count. Out of range: a notice and false.
    pub fn set_value(&mut self, row: i32, col: i32, value: Option<&[u8]>) -> bool {
        if col < 0 || col >= self.nfields() {
            self.notice(&msg::column_out_of_range(col, self.nfields() - 1));
            return false;
        }
        if row < 0 || row > self.ntuples() {
            self.notice(&msg::row_out_of_range(row, self.ntuples()));
            return false;
        }
        if row == self.ntuples() {
            if self.values.try_reserve(self.fields.len()).is_err() {
                self.notice(msg::OUT_OF_MEMORY_NOTICE);
                return false;
            }
            self.values
                .resize(self.values.len() + self.fields.len(), NULL_VALUE);
            self.ntuples += 1;
        }
        let slot = row as usize * self.fields.len() + col as usize;
        let Some(bytes) = value else {
            self.values[slot] = NULL_VALUE;
            return true;
        };
        match self.arena.alloc(bytes.len() + 1) {
            Some((block, offset, dst)) => {
                dst[..bytes.len()].copy_from_slice(bytes);
                dst[bytes.len()] = 0;
                self.values[slot] = Value {
                    block,
                    offset,
                    len: bytes.len() as i32,
                };
                true
            }
            None => {
                self.notice(msg::OUT_OF_MEMORY_NOTICE);
                false
            }
        }
    }

    /// `PQcopyResult`: a PGRES_TUPLES_OK result with this one's command tag
    /// and encoding, and what `flags` (PG_COPYRES_*) ask for. The error
    /// message and fields are never copied. RESULTCOPY events are the
    /// caller's to fire once the copy has its final address. None when
    /// memory runs out.
    pub fn copy(&self, flags: i32) -> Option<PgResult> {
        let mut dest = PgResult::new(
            ExecStatusType::PGRES_TUPLES_OK,
            NoticeHooks::silent(),
            self.client_encoding,
        );
        // No tag yet (the partial results of single-row and chunked modes
        // are copies made before CommandComplete): nothing to make.
        if !self.cmd_status.as_bytes().is_empty() {
            dest.set_command_tag(self.cmd_status.as_bytes());
        }
        if flags & (PG_COPYRES_ATTRS | PG_COPYRES_TUPLES) != 0 {
            // A COPY result's unnamed columns get names on the way, as
            // PQsetResultAttrs gives them; otherwise the columns are shared.
            if self.fields.iter().any(|f| f.name.is_none()) {
                dest.set_columns(Columns::from(named(&self.fields)));
            } else {
                dest.set_columns(self.fields.clone());
            }
        }
        if flags & PG_COPYRES_TUPLES != 0 {
            for row in 0..self.ntuples() {
                for col in 0..self.nfields() {
                    let v = self.values[row as usize * self.fields.len() + col as usize];
                    let bytes = (v.len >= 0).then(|| self.stored(v));
                    if !dest.set_value(row, col, bytes) {
                        return None;
                    }
                }
            }
        }
        if flags & PG_COPYRES_NOTICEHOOKS != 0 {
            dest.hooks = self.hooks;
        }
        if flags & PG_COPYRES_EVENTS != 0 {
            dest.events = self.events.for_result();
        }
        Some(dest)
    }

    /// `PQresultAlloc`: `n` bytes aligned for any type, living as long as
    /// the result; NULL when memory runs out.
    pub fn alloc(&mut self, n: usize) -> *mut c_void {
        // No object can be larger (and malloc is not asked for absurd sizes).
        if n > isize::MAX as usize || self.allocations.try_reserve(1).is_err() {
            return std::ptr::null_mut();
        }
        // SAFETY: malloc of at least one byte (libpq hands out a valid
        // pointer for 0 too); malloc's alignment suits any type.
        let ptr = unsafe { libc::malloc(n.max(1)) };
        if !ptr.is_null() {
            self.allocations.push((ptr, n));
        }
        ptr
    }

    pub fn events(&self) -> &Events {
        &self.events
    }

    pub fn events_mut(&mut self) -> &mut Events {
        &mut self.events
    }

    pub fn set_events(&mut self, events: Events) {
        self.events = events;
    }

    /// The bytes of a stored (non-NULL) value.
    fn stored(&self, v: Value) -> &[u8] {
        let block = &self.arena.blocks[v.block as usize];
        &block[v.offset as usize..v.offset as usize + v.len as usize]
    }

    /// The command tag of CommandComplete, cut as libpq's fixed
    /// `cmdStatus[CMDSTATUS_LEN]` (64 bytes with the NUL) cuts it.
    pub fn set_command_tag(&mut self, tag: &[u8]) {
        const CMDSTATUS_LEN: usize = 64;
        let tag = &tag[..tag.len().min(CMDSTATUS_LEN - 1)];
        self.cmd_status = Text::new(tag);
        let digits = tag
            .strip_prefix(b"INSERT ")
            .map(|rest| {
                rest.iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count()
                    .min(23)
            })
            .unwrap_or(0);
        self.oid_status = Text::new(&tag[tag.len().min(7)..][..digits]);
    }

    /// Error or notice fields as the server sent them.
    pub fn set_error_fields(&mut self, fields: &[(u8, &[u8])]) {
        self.error_fields = fields.iter().map(|(c, v)| (*c, Text::new(v))).collect();
    }

    /// Adds one field (used for notices the library makes itself).
    pub fn push_error_field(&mut self, code: u8, value: &[u8]) {
        self.error_fields.push((code, Text::new(value)));
    }

    pub fn set_param_types(&mut self, types: Vec<u32>) {
        self.param_types = types;
    }

    pub fn set_error_query(&mut self, query: &[u8]) {
        self.error_query = Some(query.into());
    }

    pub fn set_error_message(&mut self, text: &[u8]) {
        self.error_message = Text::new(text);
    }

    // ---- accessors, with libpq's answers for out-of-range arguments ----

    pub fn status(&self) -> ExecStatusType {
        self.status
    }
    /// The status as PQresultStatus reports it.
    pub fn status_code(&self) -> u32 {
        self.foreign_status.unwrap_or(self.status as u32)
    }
    /// The status of a partial result made from a copy (single-row and chunked modes).
    pub fn set_status(&mut self, status: ExecStatusType) {
        self.status = status;
    }
    pub fn set_foreign_status(&mut self, code: u32) {
        self.status = ExecStatusType::PGRES_BAD_RESPONSE;
        self.foreign_status = Some(code);
    }
    pub fn ntuples(&self) -> i32 {
        self.ntuples as i32
    }
    pub fn nfields(&self) -> i32 {
        self.fields.len() as i32
    }
    pub fn binary_tuples(&self) -> bool {
        self.binary
    }
    pub fn hooks(&self) -> &NoticeHooks {
        &self.hooks
    }
    pub fn client_encoding(&self) -> i32 {
        self.client_encoding
    }
    pub fn error_message(&self) -> &CStr {
        self.error_message.as_c_str()
    }
    pub fn error_field(&self, code: u8) -> Option<&CStr> {
        self.error_fields
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, v)| v.as_c_str())
    }
    pub fn error_fields(&self) -> impl Iterator<Item = (u8, &[u8])> {
        self.error_fields.iter().map(|(c, v)| (*c, v.as_bytes()))
    }
    pub fn cmd_status(&self) -> &CStr {
        self.cmd_status.as_c_str()
    }
    pub fn oid_status(&self) -> &CStr {
        self.oid_status.as_c_str()
    }

    /// `PQnparams`.
    pub fn nparams(&self) -> i32 {
        self.param_types.len() as i32
    }

    /// `PQparamtype`: 0 and a notice when out of range, as libpq.
    pub fn param_type(&self, index: i32) -> u32 {
        let t = usize::try_from(index)
            .ok()
            .and_then(|i| self.param_types.get(i))
            .copied();
        if t.is_none() {
            self.notice(&msg::param_out_of_range(index, self.nparams() - 1));
        }
        t.unwrap_or(0)
    }

    /// `PQresultVerboseErrorMessage`: the error text rebuilt with other settings.
    pub fn verbose_error_message(
        &self,
        verbosity: crate::ffi::types::PGVerbosity,
        show_context: crate::ffi::types::PGContextVisibility,
    ) -> Vec<u8> {
        if !matches!(
            self.status,
            ExecStatusType::PGRES_FATAL_ERROR | ExecStatusType::PGRES_NONFATAL_ERROR
        ) {
            return msg::NOT_AN_ERROR_RESULT.as_bytes().to_vec();
        }
        if self.error_fields.is_empty() {
            return crate::errfmt::message_without_fields(Some(self.error_message.as_bytes()));
        }
        let field = |code: u8| self.error_field(code).map(CStr::to_bytes);
        crate::errfmt::build_error_message(
            &field,
            self.error_query.as_deref(),
            verbosity,
            show_context,
            self.status == ExecStatusType::PGRES_FATAL_ERROR,
            self.client_encoding,
        )
    }

    /// The column, or a notice through the result's hooks when out of range.
    pub fn field(&self, col: i32) -> Option<&Field> {
        let f = usize::try_from(col).ok().and_then(|c| self.fields.get(c));
        if f.is_none() {
            self.notice(&msg::column_out_of_range(col, self.nfields() - 1));
        }
        f
    }

    /// The index entry of a value, or a notice when out of range.
    /// The value at (row, col): inlined into the accessors (PQgetvalue,
    /// PQgetlength, PQgetisnull run for every value a program reads); the
    /// out-of-range notice is out of line.
    #[inline(always)]
    fn value(&self, row: i32, col: i32) -> Option<Value> {
        // Compared as unsigned: a negative row or column is out of range too.
        if row as u32 >= self.ntuples as u32 || col as u32 >= self.fields.len() as u32 {
            self.out_of_range(row, col);
            return None;
        }
        self.values
            .get(row as usize * self.fields.len() + col as usize)
            .copied()
    }

    #[cold]
    #[inline(never)]
    fn out_of_range(&self, row: i32, col: i32) {
        out_of_range_notice(self, row, col)
    }

    /// `PQgetvalue`: the value's NUL-terminated bytes; `""` for NULL.
    #[inline]
    pub fn get_value(&self, row: i32, col: i32) -> Option<*const c_char> {
        let v = self.value(row, col)?;
        if v.len < 0 {
            return Some(EMPTY.as_ptr());
        }
        // No panicking index here: the accessors must not have an unwind
        // path (see `out_of_range_notice`). The offset is within the block
        // by construction (a NUL follows the value).
        let block = self.arena.blocks.get(v.block as usize)?;
        Some(block.as_ptr().wrapping_add(v.offset as usize) as *const c_char)
    }

    /// The bytes of a value (None for NULL or out of range).
    pub fn value_bytes(&self, row: i32, col: i32) -> Option<&[u8]> {
        let v = self.value(row, col)?;
        (v.len >= 0).then(|| self.stored(v))
    }

    /// `PQgetlength`: 0 for NULL and out of range.
    #[inline]
    pub fn get_length(&self, row: i32, col: i32) -> i32 {
        self.value(row, col).map_or(0, |v| v.len.max(0))
    }

    /// `PQgetisnull`: out of range counts as NULL, as in libpq.
    #[inline]
    pub fn get_is_null(&self, row: i32, col: i32) -> bool {
        self.value(row, col).is_none_or(|v| v.len < 0)
    }

    /// `PQfnumber`: libpq's case folding and double-quote rules; first match.
    pub fn field_number(&self, name: &[u8]) -> i32 {
        if name.is_empty() {
            return -1;
        }
        let find = |n: &[u8]| {
            self.fields
                .iter()
                .position(|f| f.name.as_ref().is_some_and(|c| c.as_bytes() == n))
                .map_or(-1, |i| i as i32)
        };
        let plain = name.iter().all(|&c| c != b'"' && !c.is_ascii_uppercase());
        if plain {
            let i = find(name);
            if i >= 0 {
                return i;
            }
        }
        let mut folded = Vec::with_capacity(name.len());
        let mut in_quotes = false;
        let mut i = 0;
        while i < name.len() {
            let c = name[i];
            if in_quotes {
                if c == b'"' {
                    if name.get(i + 1) == Some(&b'"') {
                        folded.push(b'"');
                        i += 1;
                    } else {
                        in_quotes = false;
                    }
                } else {
                    folded.push(c);
                }
            } else if c == b'"' {
                in_quotes = true;
            } else {
                folded.push(c.to_ascii_lowercase());
            }
            i += 1;
        }
        find(&folded)
    }

    /// `PQcmdTuples`: the row count of the command tag, or `""`.
    pub fn cmd_tuples(&self) -> &CStr {
        let tag = self.cmd_status.as_bytes_with_nul();
        let skip = if tag.starts_with(b"INSERT ") {
            match tag[7..].iter().position(|&c| c == b' ' || c == 0) {
                Some(p) if tag[7 + p] == b' ' => 7 + p + 1,
                _ => return self.cmd_tuples_error(),
            }
        } else if [&b"SELECT "[..], b"DELETE ", b"UPDATE "]
            .iter()
            .any(|p| tag.starts_with(p))
        {
            7
        } else if tag.starts_with(b"FETCH ") || tag.starts_with(b"MERGE ") {
            6
        } else if tag.starts_with(b"MOVE ") || tag.starts_with(b"COPY ") {
            5
        } else {
            return EMPTY;
        };
        let digits = &tag[skip..tag.len() - 1];
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return self.cmd_tuples_error();
        }
        // The tail of a C string is itself a C string.
        CStr::from_bytes_with_nul(&tag[skip..]).unwrap_or(EMPTY)
    }

    fn cmd_tuples_error(&self) -> &'static CStr {
        self.notice(&msg::could_not_interpret(
            &self.cmd_status.to_string_lossy(),
        ));
        EMPTY
    }

    /// `PQoidValue`: the OID of a one-row INSERT tag, else InvalidOid (0).
    pub fn oid_value(&self) -> u32 {
        let Some(rest) = self.cmd_status.as_bytes().strip_prefix(b"INSERT ") else {
            return 0;
        };
        let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || !matches!(rest.get(digits), None | Some(b' ')) {
            return 0;
        }
        // strtoul semantics: saturate on overflow, then truncate to Oid.
        let value = std::str::from_utf8(&rest[..digits])
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(u64::MAX);
        value as u32
    }

    /// Memory held by the result, roughly as `PQresultMemorySize` counts it.
    pub fn memory_size(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.arena.bytes()
            + self.allocations.iter().map(|(_, n)| n).sum::<usize>()
            + self.events.memory_size()
            + self.values.capacity() * std::mem::size_of::<Value>()
            + self.fields.len() * std::mem::size_of::<Field>()
    }

    /// A notice made by the library (libpq's `pqInternalNotice`).
    pub fn notice(&self, text: &str) {
        self.hooks.internal_notice(text, self.client_encoding);
    }
}

impl Drop for PgResult {
    fn drop(&mut self) {
        if !self.events.is_empty() {
            crate::ffi::events::fire_result_destroy(self);
        }
        for (ptr, _) in self.allocations.drain(..) {
            // SAFETY: each pointer came from malloc in `alloc` and is freed once.
            unsafe { libc::free(ptr) };
        }
    }
}

/// The notice for an out-of-range row or column. `extern "C"`, so the
/// compiler knows no panic unwinds out of it (one would abort; none can, as
/// the guard stops it here): the accessors that call it (PQgetvalue,
/// PQgetlength, PQgetisnull) then have no unwind path, and their own guard
/// costs nothing (no landing pad, no registers saved for it).
#[cold]
#[inline(never)]
extern "C" fn out_of_range_notice(res: &PgResult, row: i32, col: i32) {
    crate::ffi::handle::guard((), || {
        if row < 0 || row >= res.ntuples() {
            res.notice(&msg::row_out_of_range(row, res.ntuples() - 1));
        } else {
            res.notice(&msg::column_out_of_range(col, res.nfields() - 1));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result_with(fields: &[&[u8]]) -> PgResult {
        let mut r = PgResult::new(ExecStatusType::PGRES_TUPLES_OK, NoticeHooks::silent(), 6);
        let descs: Vec<_> = fields
            .iter()
            .map(|n| FieldDescription {
                name: n,
                table_oid: 0,
                column: 0,
                type_oid: 25,
                type_len: -1,
                type_mod: -1,
                format: 0,
            })
            .collect();
        r.set_fields(descs.iter().copied());
        r
    }

    fn row(values: &[Option<&[u8]>]) -> Vec<u8> {
        let mut b = (values.len() as i16).to_be_bytes().to_vec();
        for v in values {
            match v {
                None => b.extend_from_slice(&(-1i32).to_be_bytes()),
                Some(v) => {
                    b.extend_from_slice(&(v.len() as i32).to_be_bytes());
                    b.extend_from_slice(v);
                }
            }
        }
        b
    }

    fn value_str(r: &PgResult, row: i32, col: i32) -> &[u8] {
        // SAFETY (test): get_value returns a pointer into the result's arena, NUL-terminated.
        unsafe { CStr::from_ptr(r.get_value(row, col).unwrap()) }.to_bytes()
    }

    #[test]
    fn rows_are_nul_terminated_in_place() {
        let mut r = result_with(&[b"a", b"b", b"c"]);
        r.add_row(&row(&[Some(b"hello"), None, Some(b"")])).unwrap();
        r.add_row(&row(&[Some(b"x"), Some(b"yz"), Some(b"w")]))
            .unwrap();
        assert_eq!(r.ntuples(), 2);
        assert_eq!(value_str(&r, 0, 0), b"hello");
        assert_eq!(value_str(&r, 0, 1), b"");
        assert!(r.get_is_null(0, 1));
        assert!(!r.get_is_null(0, 2));
        assert_eq!(r.get_length(0, 0), 5);
        assert_eq!(value_str(&r, 1, 1), b"yz");
        assert_eq!(value_str(&r, 1, 2), b"w");
        assert!(r.get_value(2, 0).is_none());
        assert!(r.get_is_null(5, 5));
    }

    #[test]
    fn many_rows_span_blocks() {
        let mut r = result_with(&[b"v"]);
        let big = vec![b'x'; 3000];
        for i in 0..2000 {
            let v = format!("{i}");
            r.add_row(&row(&[Some(v.as_bytes())])).unwrap();
            if i % 100 == 0 {
                r.add_row(&row(&[Some(&big)])).unwrap();
            }
        }
        assert_eq!(value_str(&r, 0, 0), b"0");
        assert_eq!(value_str(&r, 1, 0), &big[..]);
        assert_eq!(value_str(&r, 2019, 0), b"1999");
        assert_eq!(r.ntuples(), 2020);
    }

    #[test]
    fn lying_rows_are_refused() {
        let mut r = result_with(&[b"a"]);
        assert_eq!(r.add_row(b"\0\x02"), Err(msg::UNEXPECTED_FIELD_COUNT_IN_D));
        assert_eq!(
            r.add_row(b"\0\x01\0\0\0\x09abc"),
            Err(msg::INSUFFICIENT_DATA_IN_D)
        );
        assert_eq!(
            r.add_row(b"\0\x01\x7f\xff\xff\xffabc"),
            Err(msg::INSUFFICIENT_DATA_IN_D)
        );
        assert_eq!(
            r.add_row(b"\0\x01\0\0\0\x01ab"),
            Err(msg::D_LENGTH_MISMATCH)
        );
        assert_eq!(r.ntuples(), 0);
    }

    #[test]
    fn a_refused_row_leaves_the_rows_before_and_after_intact() {
        let mut r = result_with(&[b"a", b"b"]);
        r.add_row(&row(&[Some(b"one"), None])).unwrap();
        // The first value is stored (and NUL-terminated) before the second's
        // length is found to lie: all of it is given back.
        let mut lying = row(&[Some(b"xyz"), Some(b"w")]);
        lying.pop();
        assert_eq!(r.add_row(&lying), Err(msg::INSUFFICIENT_DATA_IN_D));
        let mut extra = row(&[Some(b"xyz"), None]);
        extra.push(b'!');
        assert_eq!(r.add_row(&extra), Err(msg::D_LENGTH_MISMATCH));
        r.add_row(&row(&[Some(b""), Some(b"two")])).unwrap();
        assert_eq!(r.ntuples(), 2);
        assert_eq!(value_str(&r, 0, 0), b"one");
        assert!(r.get_is_null(0, 1));
        assert_eq!(r.get_length(0, 1), 0);
        assert_eq!(value_str(&r, 0, 1), b"");
        assert!(!r.get_is_null(1, 0));
        assert_eq!(value_str(&r, 1, 0), b"");
        assert_eq!(value_str(&r, 1, 1), b"two");
        assert_eq!(r.get_length(1, 1), 3);
        assert_eq!(r.value_bytes(1, 1), Some(&b"two"[..]));
    }

    #[test]
    fn command_tags() {
        let mut r = PgResult::new(ExecStatusType::PGRES_COMMAND_OK, NoticeHooks::silent(), 6);
        for (tag, tuples, oid, oids) in [
            (&b"INSERT 0 2"[..], &b"2"[..], 0, &b"0"[..]),
            (b"INSERT 16385 1", b"1", 16385, b"16385"),
            (b"SELECT 12", b"12", 0, b""),
            (b"UPDATE 0", b"0", 0, b""),
            (b"MERGE 3", b"3", 0, b""),
            (b"FETCH 4", b"4", 0, b""),
            (b"MOVE 5", b"5", 0, b""),
            (b"COPY 6", b"6", 0, b""),
            (b"CREATE TABLE", b"", 0, b""),
            (b"SELECT x", b"", 0, b""),
            (b"INSERT 0", b"", 0, b"0"),
        ] {
            r.set_command_tag(tag);
            assert_eq!(r.cmd_tuples().to_bytes(), tuples, "{tag:?}");
            assert_eq!(r.oid_value(), oid, "{tag:?}");
            assert_eq!(r.oid_status().to_bytes(), oids, "{tag:?}");
        }
        // A tag longer than libpq's cmdStatus buffer is cut to 63 bytes.
        let long = [b"SELECT ".as_slice(), &[b'9'; 100]].concat();
        r.set_command_tag(&long);
        assert_eq!(r.cmd_status().to_bytes(), &long[..63]);
        assert_eq!(r.cmd_tuples().to_bytes(), &long[7..63]);
    }

    #[test]
    fn field_numbers_fold_and_quote() {
        let r = result_with(&[b"foo", b"Foo", b"a\"b", b"foo"]);
        assert_eq!(r.field_number(b"foo"), 0);
        assert_eq!(r.field_number(b"FOO"), 0);
        assert_eq!(r.field_number(b"\"Foo\""), 1);
        assert_eq!(r.field_number(b"\"a\"\"b\""), 2);
        assert_eq!(r.field_number(b""), -1);
        assert_eq!(r.field_number(b"bar"), -1);
    }
}
