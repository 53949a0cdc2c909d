//! Message texts: the fast-path function call (fe-exec.c `PQnfn`,
//! fe-protocol3.c `pqFunctionCall3`, fe-misc.c `pqPutInt`/`pqGetInt`) and the
//! large-object functions (fe-lobj.c).

// ---- the fast path ----

pub const CONNECTION_IN_WRONG_STATE: &str = "connection in wrong state\n";
pub const NO_FUNCTION_RESULT: &str = "protocol error: no function result\n";
pub const SERVER_RETURNED_TOO_MUCH_DATA: &str = "server returned too much data\n";
/// `"protocol error: id=0x%x"` with libpq's `char id` (signed, so a byte from
/// 0x80 up prints as a negative int in hex).
pub fn protocol_error_id(tag: u8) -> String {
    format!("protocol error: id=0x{:x}\n", tag as i8 as i32)
}
/// `pqPutInt`'s notice for an integer argument that is not 2 or 4 bytes long
/// (the length printed as `(unsigned long) (size_t) len`).
pub fn put_int_size_not_supported(len: i32) -> String {
    format!(
        "integer of size {} not supported by pqPutInt",
        len as isize as usize
    )
}
/// `pqGetInt`'s notice for an integer result that is not 2 or 4 bytes long.
pub fn get_int_size_not_supported(len: i32) -> String {
    format!(
        "integer of size {} not supported by pqGetInt",
        len as isize as usize
    )
}
/// `pqCheckOutBufferSpace`'s text, for an argument that cannot be put in the
/// message (libpq itself crashes on a negative length or a NULL pointer).
pub const CANNOT_ALLOCATE_OUTPUT_BUFFER: &str = "cannot allocate memory for output buffer\n";

// ---- large objects ----

pub fn cannot_determine_oid(function: &str) -> String {
    format!("cannot determine OID of function {function}\n")
}
pub const LO_INIT_QUERY_NO_DATA: &str =
    "query to initialize large object functions did not return data\n";
/// `"argument of lo_read exceeds integer range"` and its lo_write and
/// lo_truncate twins.
pub fn argument_exceeds_integer_range(function: &str) -> String {
    format!("argument of {function} exceeds integer range\n")
}
/// `"could not open file \"%s\": %s"`; the file name is printed byte for byte.
pub fn could_not_open_file(filename: &[u8], err: &str) -> Vec<u8> {
    file_error("could not open file", filename, err)
}
pub fn could_not_read_from_file(filename: &[u8], err: &str) -> Vec<u8> {
    file_error("could not read from file", filename, err)
}
pub fn could_not_write_to_file(filename: &[u8], err: &str) -> Vec<u8> {
    file_error("could not write to file", filename, err)
}
fn file_error(what: &str, filename: &[u8], err: &str) -> Vec<u8> {
    let mut text = format!("{what} \"").into_bytes();
    text.extend_from_slice(filename);
    text.extend_from_slice(format!("\": {err}\n").as_bytes());
    text
}
/// How libpq's `%s` prints a NULL file name.
pub const NULL_STRING: &[u8] = b"(null)";
