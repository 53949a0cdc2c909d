//! Build script: the shared object's SONAME, and the public C headers.
//!
//! The headers are generated from the Rust source: cbindgen reads `src/ffi/`
//! (only), and each declaration it writes is placed where a template in
//! `include/template/` asks for it with a `@decl Name` line, so the files are
//! laid out as PostgreSQL 18's. Exported functions that no template names are
//! appended to libpq-fe.h at `@rest-functions`, so a new export is never
//! missing from the header. The results go to `$OUT_DIR`; the committed copies
//! in `include/` are refreshed with `make headers`
//! (`LIBPQRS_WRITE_HEADERS=1 cargo build`), and a test fails when they are stale.

use std::collections::{BTreeMap, HashSet};
use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// The generated headers (paths under `include/`), in dependency order.
const HEADERS: [&str; 4] = [
    "postgres_ext.h",
    "libpq-fe.h",
    "libpq-events.h",
    "libpq/libpq-fs.h",
];

/// C struct tags, as libpq spells them (`typedef struct pgNotify {...} PGnotify;`);
/// `None` = an anonymous struct (`typedef struct {...} PQArgBlock;`).
const STRUCT_TAGS: [(&str, Option<&str>); 13] = [
    ("PGnotify", Some("pgNotify")),
    ("PQprintOpt", Some("_PQprintOpt")),
    ("PQconninfoOption", Some("_PQconninfoOption")),
    ("PGresAttDesc", Some("pgresAttDesc")),
    ("PGpromptOAuthDevice", Some("_PGpromptOAuthDevice")),
    ("PGoauthBearerRequest", Some("PGoauthBearerRequest")),
    ("PQArgBlock", None),
    ("PGEventRegister", None),
    ("PGEventConnReset", None),
    ("PGEventConnDestroy", None),
    ("PGEventResultCreate", None),
    ("PGEventResultCopy", None),
    ("PGEventResultDestroy", None),
];

/// Named Rust unions that libpq declares inline and anonymous:
/// (union, struct that holds it, field name).
const INLINE_UNIONS: [(&str, &str, &str); 1] = [("PQArgBlockValue", "PQArgBlock", "u")];

/// Items cbindgen sees that belong in none of these headers: libpq exports
/// them but declares them elsewhere (pqexpbuffer.h, mb/pg_wchar.h, port.h,
/// libpq-int.h), or the template spells them by hand (`PQfreeNotify` is a
/// macro in libpq-fe.h, so a prototype would not even compile).
const NOT_IN_HEADERS: [&str; 23] = [
    "PQfreeNotify",
    "pgresStatus",
    "StatusNames",
    "pg_utf_mblen",
    "pg_valid_server_encoding",
    "pqsignal",
    "pqsigfunc",
    "PQExpBufferData",
    "PQExpBuffer",
    "createPQExpBuffer",
    "initPQExpBuffer",
    "destroyPQExpBuffer",
    "termPQExpBuffer",
    "resetPQExpBuffer",
    "enlargePQExpBuffer",
    "printfPQExpBuffer",
    "appendPQExpBuffer",
    "appendPQExpBufferVA",
    "appendPQExpBufferStr",
    "appendPQExpBufferChar",
    "appendBinaryPQExpBuffer",
    "InvalidOid",
    "PQnoPasswordSupplied",
];

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));

    // libpq's SONAME, so programs linked against us record `libpq.so.5`.
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if !matches!(target_os.as_str(), "macos" | "ios" | "windows") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpq.so.5");
    }

    compile_c_exports();

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=include/template");
    println!("cargo:rerun-if-env-changed=LIBPQRS_WRITE_HEADERS");

    let write_committed =
        env::var_os("LIBPQRS_WRITE_HEADERS").is_some_and(|v| !v.is_empty() && v != "0");
    let headers = match generate(&manifest) {
        Ok(h) => h,
        Err(e) if write_committed => panic!("header generation failed: {e}"),
        Err(e) => {
            // Do not break the build of the library over a header problem: the
            // header-staleness and C ABI tests fail on these instead.
            let msg = e.replace('\n', " ");
            println!("cargo:warning=header generation failed: {msg}");
            HEADERS
                .iter()
                .map(|h| {
                    (
                        h.to_string(),
                        format!(
                            "#error \"libpq-rs header generation failed: {}\"\n",
                            msg.replace('"', "'")
                        ),
                    )
                })
                .collect()
        }
    };

    for (name, text) in &headers {
        write_if_changed(&out_dir.join(name), text);
        if write_committed {
            write_if_changed(&manifest.join("include").join(name), text);
        }
    }
}

/// The printf-style PQExpBuffer functions, which stable Rust cannot define
/// (variadic / `va_list`): `src/ffi/expbuffer.c`, under hidden `pqrs_` names;
/// `src/ffi/expbuffer.rs` exports them under libpq's names.
fn compile_c_exports() {
    println!("cargo:rerun-if-changed=src/ffi/expbuffer.c");
    cc::Build::new()
        .file("src/ffi/expbuffer.c")
        .warnings(true)
        .extra_warnings(true)
        .compile("pqrs_expbuffer");
}

fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(text) {
        if let Some(dir) = path.parent() {
            let _ = fs::create_dir_all(dir);
        }
        fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Constant,
    Type,
    Function,
    Global,
}

/// One declaration written by cbindgen.
struct Decl {
    kind: Kind,
    text: String,
}

/// Runs cbindgen and fills the templates. Returns (file name, contents).
fn generate(manifest: &Path) -> Result<Vec<(String, String)>, String> {
    let config = cbindgen::Config::from_file(manifest.join("cbindgen.toml"))
        .map_err(|e| format!("cbindgen.toml: {e}"))?;
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(manifest.join("src/ffi/mod.rs"))
        .generate()
        .map_err(|e| format!("cbindgen: {e}"))?;
    let mut raw = Vec::new();
    bindings.write(&mut raw);
    let raw = String::from_utf8(raw).map_err(|e| e.to_string())?;
    // cbindgen's own output, for debugging the templates.
    if let Some(out_dir) = env::var_os("OUT_DIR") {
        write_if_changed(&Path::new(&out_dir).join("cbindgen-raw.h"), &raw);
    }

    let mut decls = split_declarations(&raw);
    fix_c_spelling(&mut decls);

    let templates: Vec<(String, String)> = HEADERS
        .iter()
        .map(|h| {
            let path = manifest.join("include/template").join(format!("{h}.in"));
            fs::read_to_string(&path)
                .map(|t| (h.to_string(), t))
                .map_err(|e| format!("{}: {e}", path.display()))
        })
        .collect::<Result<_, _>>()?;

    // Everything a template places by name; the rest goes to libpq-fe.h.
    let placed: HashSet<&str> = templates
        .iter()
        .flat_map(|(_, t)| {
            t.lines()
                .filter_map(|l| l.strip_prefix("@decl "))
                .map(str::trim)
        })
        .collect();
    let unplaced = |kind: Kind| -> Vec<&Decl> {
        decls
            .iter()
            .filter(|(name, d)| {
                d.kind == kind
                    && !placed.contains(name.as_str())
                    && !NOT_IN_HEADERS.contains(&name.as_str())
            })
            .map(|(_, d)| d)
            .collect()
    };
    let rest_types = unplaced(Kind::Type);
    let rest_functions = unplaced(Kind::Function);

    let mut out = Vec::new();
    for (header, template) in &templates {
        let mut text = String::new();
        for line in template.lines() {
            if let Some(name) = line.strip_prefix("@decl ") {
                // A function not written yet is simply not declared.
                if let Some(d) = decls.get(name.trim()) {
                    text.push_str(&d.text);
                    text.push('\n');
                }
            } else if line.trim() == "@rest-types" {
                if !rest_types.is_empty() {
                    text.push_str(
                        "/* Types used by the functions below (not in include/template/) */\n\n",
                    );
                    for d in &rest_types {
                        text.push_str(&d.text);
                        text.push_str("\n\n");
                    }
                }
            } else if line.trim() == "@rest-functions" {
                if !rest_functions.is_empty() {
                    text.push_str("/* Other exported functions (not in include/template/) */\n");
                    for d in &rest_functions {
                        text.push_str(&d.text);
                        text.push('\n');
                    }
                }
            } else if line.contains("@GENERATED@") {
                text.push_str(&line.replace(
                    "@GENERATED@",
                    &format!(
                        "Generated by build.rs (cbindgen) from src/ffi/ and include/template/{header}.in;\n * do not edit. Refresh the copy in include/ with `make headers`."
                    ),
                ));
                text.push('\n');
            } else {
                text.push_str(line);
                text.push('\n');
            }
        }
        out.push((header.clone(), text));
    }
    Ok(out)
}

/// Splits cbindgen's output (one declaration per blank-line separated block)
/// into named declarations.
fn split_declarations(raw: &str) -> BTreeMap<String, Decl> {
    let mut decls = BTreeMap::new();
    let raw = raw.replace("\r\n", "\n");
    for block in raw.split("\n\n") {
        let block = block.trim_matches('\n');
        if block.trim().is_empty() {
            continue;
        }
        match classify(block) {
            Some((kind, name)) => {
                decls.insert(
                    name,
                    Decl {
                        kind,
                        text: block.to_string(),
                    },
                );
            }
            None => println!(
                "cargo:warning=header generation: skipped unrecognised cbindgen output {block:?}"
            ),
        }
    }
    decls
}

fn classify(block: &str) -> Option<(Kind, String)> {
    let last_ident = |s: &str| -> Option<String> {
        let s = s.trim_end();
        let start = s
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let id = &s[start..];
        (!id.is_empty()).then(|| id.to_string())
    };
    if let Some(rest) = block.strip_prefix("#define ") {
        let name = rest.split_whitespace().next()?;
        return Some((Kind::Constant, name.to_string()));
    }
    if block.starts_with("typedef ") {
        let name = if let Some(i) = block.rfind('}') {
            block[i + 1..]
                .trim()
                .trim_end_matches(';')
                .trim()
                .to_string()
        } else if let Some(i) = block.find("(*") {
            let rest = &block[i + 2..];
            rest[..rest.find(')')?].trim().to_string()
        } else {
            // `typedef T Name;` or `typedef T Name[N];`
            let decl = block.trim_end().trim_end_matches(';');
            last_ident(&decl[..decl.find('[').unwrap_or(decl.len())])?
        };
        return Some((Kind::Type, name));
    }
    if block.starts_with("extern ") || block.starts_with("extern\n") {
        if let Some(i) = block.find('(') {
            return Some((Kind::Function, last_ident(&block[..i])?));
        }
        let end = block.find(['[', ';']).unwrap_or(block.len());
        return Some((Kind::Global, last_ident(&block[..end])?));
    }
    None
}

/// Replaces whole-word occurrences of `from` in `text`.
fn replace_word(text: &str, from: &str, to: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        out.push_str(&rest[..i]);
        let whole_word = !out.ends_with(is_ident) && !rest[i + from.len()..].starts_with(is_ident);
        out.push_str(if whole_word { to } else { from });
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

/// Turns cbindgen's spelling of the types into libpq's: anonymous enums,
/// libpq's struct tags, the anonymous union of PQArgBlock, PQ_SOCKTYPE.
fn fix_c_spelling(decls: &mut BTreeMap<String, Decl>) {
    // (old, new) spellings to apply to every declaration.
    let mut renames: Vec<(String, String)> = Vec::new();
    for (name, d) in decls.iter_mut() {
        let enum_head = format!("typedef enum {name} {{");
        if d.text.starts_with(&enum_head) {
            d.text = d.text.replacen(&enum_head, "typedef enum {", 1);
            renames.push((format!("enum {name}"), name.clone()));
        }
    }
    for (name, tag) in STRUCT_TAGS {
        // Elsewhere the typedef name, as libpq writes (`PQconninfoOption *`);
        // inside its own definition the tag (`struct pgNotify *next`).
        renames.push((format!("struct {name}"), name.to_string()));
        let Some(d) = decls.get_mut(name) else {
            continue;
        };
        d.text = match tag {
            Some(tag) => replace_word(&d.text, &format!("struct {name}"), &format!("struct {tag}")),
            None => d
                .text
                .replacen(&format!("typedef struct {name} {{"), "typedef struct {", 1),
        };
    }
    for (name, d) in decls.iter_mut() {
        for (from, to) in &renames {
            if from.strip_prefix("struct ") != Some(name.as_str()) {
                d.text = replace_word(&d.text, from, to);
            }
        }
    }
    for (union, holder, field) in INLINE_UNIONS {
        let Some(u) = decls.remove(union) else {
            continue;
        };
        let (Some(open), Some(close)) = (u.text.find('{'), u.text.rfind('}')) else {
            continue;
        };
        let body: String = u.text[open + 1..close]
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| format!("    {l}\n"))
            .collect();
        let inline = format!("union {{\n{body}    }} {field};");
        if let Some(d) = decls.get_mut(holder) {
            for spelled in [
                format!("union {union} {field};"),
                format!("{union} {field};"),
            ] {
                d.text = d.text.replace(&spelled, &inline);
            }
        }
    }
    for d in decls.values_mut() {
        if d.kind != Kind::Function {
            continue;
        }
        // `u8` is `unsigned char` on every platform we build for.
        d.text = replace_word(&d.text, "uint8_t", "unsigned char");
        d.text = format_function(&d.text);
    }
    if let Some(d) = decls.get_mut("PGoauthBearerRequest") {
        d.text = d.text.replace("int *altsock", "PQ_SOCKTYPE *altsock");
    }
}

/// libpq's layout of a function declaration: `extern T name(a,` on one line
/// (cbindgen puts `extern` on a line of its own when the arguments go one per
/// line), further arguments aligned under the first, and Rust's `_`-affixed
/// parameter names (`_unused`, `proc_`) without the underscores.
fn format_function(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(open) = flat.find('(') else {
        return text.to_string();
    };
    // Split the parameters at top-level commas (a parameter may itself be a
    // function pointer with a parameter list).
    let mut raw_params = vec![String::new()];
    let mut depth = 0;
    for c in flat[open + 1..]
        .trim_end_matches(';')
        .strip_suffix(')')
        .unwrap_or_default()
        .chars()
    {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                raw_params.push(String::new());
                continue;
            }
            _ => {}
        }
        raw_params.last_mut().expect("non-empty").push(c);
    }
    let params: Vec<String> = raw_params
        .iter()
        .map(|p| p.trim())
        .map(|p| {
            let start = p
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |i| i + 1);
            let name = p[start..].trim_matches('_');
            if start == 0 || name.is_empty() {
                p.to_string() // `void`, or an unnamed parameter
            } else {
                format!("{}{name}", &p[..start])
            }
        })
        .collect();
    let head = &flat[..=open];
    let one_line = format!("{head}{});", params.join(", "));
    if one_line.len() <= 90 {
        return one_line;
    }
    let indent = format!(",\n{}", " ".repeat(head.len()));
    format!("{head}{});", params.join(&indent))
}
