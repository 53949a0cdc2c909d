//! PostgreSQL's own client programs (Debian's PostgreSQL 15 binaries, in
//! `server().bin_dir`) run unchanged on our library: pgbench, pg_dump /
//! pg_restore / pg_dumpall, vacuumdb, reindexdb, pg_isready, createdb,
//! dropdb, createuser. Each test first checks that the program resolves
//! libpq.so.5 to ours, then asserts on what it prints and on the database
//! it leaves behind; where the output is deterministic it must equal the
//! same run on the system libpq. psql has its own tests (psql.rs).
//!
//! Every test uses its own databases and roles (`libpqrs_clients_*`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::psql::assert_loads_our_library;
use crate::support::{self, server, TRUST_USER};

/// The program `name` of the server's bin directory, after checking that it
/// loads our library.
fn tool(name: &str) -> PathBuf {
    let exe = server().bin_dir.join(name);
    assert_loads_our_library(&exe);
    exe
}

/// Runs `exe` with the connection options for the test server (Unix socket,
/// trust user) before `args`, on `lib` (None: the system libpq).
fn run(exe: &Path, lib: Option<&Path>, args: &[&str]) -> Output {
    run_in(exe, lib, args, None)
}

fn run_in(exe: &Path, lib: Option<&Path>, args: &[&str], cwd: Option<&Path>) -> Output {
    let s = server();
    let sock = s.socket_dir.to_string_lossy().into_owned();
    let port = s.port.to_string();
    let mut all = vec!["-h", &sock, "-p", &port, "-U", TRUST_USER];
    all.extend_from_slice(args);
    support::run_with_lib_input(exe, lib, &all, &[("PGTZ", "UTC")], b"", cwd)
}

fn ours() -> PathBuf {
    support::lib_dir()
}

/// stdout of a run that must succeed with nothing on stderr.
fn clean_stdout(out: &Output, what: &str) -> String {
    let stdout = support::success_stdout(out, what);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{what} wrote to stderr:\n{stderr}");
    stdout
}

/// A scratch directory, empty.
fn scratch(name: &str) -> PathBuf {
    let dir = support::profile_dir().join("libpqrs-clients").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Drops (if it exists) and creates database `db` with the system psql.
fn fresh_db(db: &str) {
    let s = server();
    s.psql(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
    s.psql(&format!("CREATE DATABASE {db}"));
}

/// One SQL statement's unaligned output in database `db` (system psql).
fn query(db: &str, sql: &str) -> String {
    let s = server();
    let out = std::process::Command::new(s.bin_dir.join("psql"))
        .env_clear()
        .env("PGTZ", "UTC")
        .args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-d"])
        .arg(format!(
            "host={} port={} dbname={db} user={TRUST_USER}",
            s.socket_dir.display(),
            s.port
        ))
        .args(["-c", sql])
        .output()
        .expect("run psql");
    support::success_stdout(&out, sql).trim_end().to_string()
}

/// The line `prefix...` of `text`, trimmed; panics without one.
fn line_with<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line {prefix:?} in:\n{text}"))
}

#[test]
fn clients_pgbench() {
    const DB: &str = "libpqrs_clients_bench";
    fresh_db(DB);
    let pgbench = tool("pgbench");
    let lib = ours();

    // -i: tables, client-side COPY of the data, vacuum, primary keys.
    let out = run(&pgbench, Some(&lib), &["-i", "-s", "1", DB]);
    let init = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "pgbench -i failed:\n{init}");
    for step in [
        "creating tables...",
        "generating data (client-side)...",
        "100000 of 100000 tuples (100%) done",
        "vacuuming...",
        "creating primary keys...",
        "done in ",
    ] {
        assert!(init.contains(step), "pgbench -i lacks {step:?}:\n{init}");
    }
    assert_eq!(query(DB, "SELECT count(*) FROM pgbench_accounts"), "100000");
    assert_eq!(query(DB, "SELECT count(*) FROM pgbench_branches"), "1");
    assert_eq!(query(DB, "SELECT count(*) FROM pgbench_tellers"), "10");

    // The built-in TPC-B-like script in every query mode, 4 clients on 2
    // threads, 25 transactions each.
    for mode in ["simple", "extended", "prepared"] {
        let out = run(
            &pgbench,
            Some(&lib),
            &["-M", mode, "-c", "4", "-j", "2", "-t", "25", "-n", DB],
        );
        let text = clean_stdout(&out, &format!("pgbench -M {mode}"));
        assert_eq!(
            line_with(&text, "query mode:"),
            format!("query mode: {mode}")
        );
        assert_eq!(
            line_with(&text, "number of clients:"),
            "number of clients: 4"
        );
        assert_eq!(
            line_with(&text, "number of threads:"),
            "number of threads: 2"
        );
        assert_eq!(
            line_with(&text, "number of transactions actually processed:"),
            "number of transactions actually processed: 100/100"
        );
        assert_eq!(
            line_with(&text, "number of failed transactions:"),
            "number of failed transactions: 0 (0.000%)"
        );
    }
    assert_eq!(query(DB, "SELECT count(*) FROM pgbench_history"), "300");

    // A custom script that pipelines its statements.
    let dir = scratch("pgbench");
    let script = dir.join("pipeline.sql");
    fs::write(
        &script,
        "\\set aid random(1, 100000)\n\
         \\set delta random(-5000, 5000)\n\
         \\startpipeline\n\
         UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;\n\
         SELECT abalance FROM pgbench_accounts WHERE aid = :aid;\n\
         INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, :aid, :delta, now());\n\
         \\endpipeline\n",
    )
    .unwrap();
    let script = script.to_string_lossy().into_owned();
    for mode in ["extended", "prepared"] {
        let out = run(
            &pgbench,
            Some(&lib),
            &[
                "-M", mode, "-c", "4", "-j", "2", "-t", "30", "-n", "-f", &script, DB,
            ],
        );
        let text = clean_stdout(&out, &format!("pgbench -f pipeline.sql -M {mode}"));
        assert_eq!(
            line_with(&text, "number of transactions actually processed:"),
            "number of transactions actually processed: 120/120"
        );
        assert_eq!(
            line_with(&text, "number of failed transactions:"),
            "number of failed transactions: 0 (0.000%)"
        );
    }
    assert_eq!(query(DB, "SELECT count(*) FROM pgbench_history"), "540");
}

/// Objects of every common kind, data, and two large objects (one with a
/// comment) in schema `app` of database `db`.
const DUMP_SOURCE_SQL: &str = r#"
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE app.pair AS (a int, b text);
CREATE DOMAIN app.posint AS int CHECK (VALUE > 0);
CREATE SEQUENCE app.seq START 100;
CREATE TABLE app.items (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    mood app.mood,
    qty app.posint DEFAULT 1,
    tags text[],
    data jsonb,
    pair app.pair,
    created date DEFAULT '2024-01-01',
    price numeric(10,2)
);
CREATE TABLE app.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id int REFERENCES app.items (id) ON DELETE CASCADE,
    note text
);
CREATE INDEX items_lower_name ON app.items (lower(name));
CREATE INDEX items_data ON app.items USING gin (data);
CREATE VIEW app.item_names AS SELECT id, name FROM app.items;
CREATE MATERIALIZED VIEW app.mood_counts AS SELECT mood, count(*) AS n FROM app.items GROUP BY mood;
CREATE FUNCTION app.add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN NEW.note := coalesce(NEW.note, 'touched'); RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE INSERT ON app.orders FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE AGGREGATE app.mysum(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0');
CREATE TABLE app.parted (id int, region text) PARTITION BY LIST (region);
CREATE TABLE app.parted_eu PARTITION OF app.parted FOR VALUES IN ('eu');
CREATE TABLE app.parted_us PARTITION OF app.parted FOR VALUES IN ('us');
ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_all ON app.orders USING (true);
GRANT SELECT ON app.items TO PUBLIC;
COMMENT ON SCHEMA app IS 'the application';
COMMENT ON TABLE app.items IS 'things';
COMMENT ON COLUMN app.items.name IS 'the name';
COMMENT ON FUNCTION app.add(int, int) IS 'adds';
INSERT INTO app.items (name, mood, qty, tags, data, pair, price)
  SELECT 'item' || i, (ARRAY['sad', 'ok', 'happy'])[i % 3 + 1]::app.mood, i, ARRAY['t' || i, 'x'],
         jsonb_build_object('i', i, 'sq', i * i), ROW(i, 'p' || i)::app.pair, i * 1.5
  FROM generate_series(1, 2000) i;
INSERT INTO app.orders (item_id) SELECT i FROM generate_series(1, 500) i;
INSERT INTO app.parted VALUES (1, 'eu'), (2, 'us'), (3, 'eu');
REFRESH MATERIALIZED VIEW app.mood_counts;
SELECT setval('app.seq', 123);
DO $$
DECLARE o oid;
BEGIN
  o := lo_from_bytea(0, convert_to(repeat('large object data ', 20000), 'UTF8'));
  EXECUTE format('COMMENT ON LARGE OBJECT %s IS %L', o, 'the big one');
  PERFORM lo_from_bytea(0, '\x00010203fffe'::bytea);
END $$;
"#;

/// A plain-format dump of `db` (pg_dump on `lib`), masked.
fn plain_dump(pg_dump: &Path, lib: Option<&Path>, db: &str) -> String {
    let out = run(pg_dump, lib, &["--no-sync", db]);
    mask_restrict_key(&clean_stdout(&out, &format!("pg_dump {db}")))
}

/// Scripts from pg_dump, pg_dumpall and pg_restore (15.14 and later) open
/// and close with `\restrict KEY` / `\unrestrict KEY`, a random key.
fn mask_restrict_key(script: &str) -> String {
    let mut masked = 0;
    let text = script
        .lines()
        .map(|l| {
            for cmd in ["\\restrict ", "\\unrestrict "] {
                if l.starts_with(cmd) {
                    masked += 1;
                    return format!("{cmd}<key>\n");
                }
            }
            format!("{l}\n")
        })
        .collect();
    assert!(masked % 2 == 0, "unbalanced \\restrict lines:\n{script}");
    text
}

#[test]
fn clients_pg_dump_and_pg_restore_round_trip() {
    const SRC: &str = "libpqrs_clients_dump_src";
    const DST_CUSTOM: &str = "libpqrs_clients_dump_custom";
    const DST_DIR: &str = "libpqrs_clients_dump_dir";
    fresh_db(SRC);
    let out = std::process::Command::new(server().bin_dir.join("psql"))
        .env_clear()
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d"])
        .arg(format!(
            "host={} port={} dbname={SRC} user={TRUST_USER}",
            server().socket_dir.display(),
            server().port
        ))
        .args(["-c", DUMP_SOURCE_SQL])
        .output()
        .expect("run psql");
    support::success_stdout(&out, "create the dump source");
    for db in [DST_CUSTOM, DST_DIR] {
        fresh_db(db);
    }

    let pg_dump = tool("pg_dump");
    let pg_restore = tool("pg_restore");
    let lib = ours();
    let dir = scratch("dump");

    // What the system libpq dumps is the reference.
    let reference = plain_dump(&pg_dump, None, SRC);
    for expected in [
        "CREATE TYPE app.mood AS ENUM",
        "CREATE DOMAIN app.posint",
        "CREATE MATERIALIZED VIEW app.mood_counts",
        "CREATE AGGREGATE app.mysum(integer)",
        "CREATE POLICY orders_all ON app.orders",
        "COMMENT ON LARGE OBJECT",
        "SELECT pg_catalog.lo_create(",
        "SELECT pg_catalog.lowrite(0,",
        "COPY app.items (id, name, mood, qty, tags, data, pair, created, price) FROM stdin;",
        "2000\titem2000\thappy\t2000\t{t2000,x}",
        "SELECT pg_catalog.setval('app.seq', 123, true);",
    ] {
        assert!(
            reference.contains(expected),
            "reference dump lacks {expected:?}"
        );
    }
    assert_eq!(
        plain_dump(&pg_dump, Some(&lib), SRC),
        reference,
        "plain pg_dump differs on our library"
    );

    // Custom format, restored with pg_restore.
    let custom = dir.join("src.dump").to_string_lossy().into_owned();
    clean_stdout(
        &run(
            &pg_dump,
            Some(&lib),
            &["-Fc", "--no-sync", "-f", &custom, SRC],
        ),
        "pg_dump -Fc",
    );
    let listing = clean_stdout(
        &run(&pg_restore, Some(&lib), &["-l", &custom]),
        "pg_restore -l",
    );
    assert!(
        listing.contains("BLOBS - BLOBS") || listing.contains("LARGE OBJECT"),
        "{listing}"
    );
    clean_stdout(
        &run(
            &pg_restore,
            Some(&lib),
            &["--exit-on-error", "-d", DST_CUSTOM, &custom],
        ),
        "pg_restore custom",
    );
    assert_eq!(plain_dump(&pg_dump, Some(&lib), DST_CUSTOM), reference);

    // Directory format with two jobs both ways.
    let dumpdir = dir.join("src.dir").to_string_lossy().into_owned();
    clean_stdout(
        &run(
            &pg_dump,
            Some(&lib),
            &["-Fd", "-j", "2", "--no-sync", "-f", &dumpdir, SRC],
        ),
        "pg_dump -Fd -j 2",
    );
    clean_stdout(
        &run(
            &pg_restore,
            Some(&lib),
            &["--exit-on-error", "-j", "2", "-d", DST_DIR, &dumpdir],
        ),
        "pg_restore -j 2",
    );
    assert_eq!(plain_dump(&pg_dump, Some(&lib), DST_DIR), reference);
    assert_eq!(
        query(
            DST_DIR,
            "SELECT count(*), sum(length(lo_get(oid))) FROM pg_largeobject_metadata"
        ),
        "2|360006"
    );

    // pg_restore to stdout (a script) equals the system libpq's.
    let script = |lib: Option<&Path>| {
        mask_restrict_key(&clean_stdout(
            &run(&pg_restore, lib, &["-f", "-", &custom]),
            "pg_restore -f -",
        ))
    };
    assert_eq!(script(Some(&lib)), script(None));
}

#[test]
fn clients_pg_dumpall_globals() {
    let pg_dumpall = tool("pg_dumpall");
    // Roles' passwords change under this lock (password tests); the two runs
    // must see the same catalog.
    let _roles = support::shared_roles_lock();
    let dump = |lib: Option<&Path>| {
        mask_restrict_key(&clean_stdout(
            &run(&pg_dumpall, lib, &["-g"]),
            "pg_dumpall -g",
        ))
    };
    let ours = dump(Some(&ours()));
    let system = dump(None);
    for expected in [
        "-- PostgreSQL database cluster dump",
        "CREATE ROLE libpqrs_trust;",
        "ALTER ROLE libpqrs_trust WITH SUPERUSER",
        "CREATE ROLE libpqrs_md5;",
        "PASSWORD 'md5",
        "-- PostgreSQL database cluster dump complete",
    ] {
        assert!(
            ours.contains(expected),
            "pg_dumpall -g lacks {expected:?}:\n{ours}"
        );
    }
    assert_eq!(ours, system);
}

#[test]
fn clients_vacuumdb_and_reindexdb() {
    const DB: &str = "libpqrs_clients_maint";
    fresh_db(DB);
    query(
        DB,
        "CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE b (id int PRIMARY KEY); \
         CREATE INDEX a_v ON a (v); \
         INSERT INTO a SELECT i, md5(i::text) FROM generate_series(1, 5000) i; \
         INSERT INTO b SELECT generate_series(1, 5000); DELETE FROM a WHERE id % 2 = 0",
    );
    let vacuumdb = tool("vacuumdb");
    let reindexdb = tool("reindexdb");
    let lib = ours();

    let out = run(&vacuumdb, Some(&lib), &["-j", "2", "-z", "-e", "-d", DB]);
    let text = clean_stdout(&out, "vacuumdb -j 2");
    assert!(
        text.contains(&format!("vacuumdb: vacuuming database \"{DB}\"")),
        "{text}"
    );
    for table in ["public.a", "public.b"] {
        assert!(
            text.contains(&format!("VACUUM (ANALYZE) {table};")),
            "vacuumdb did not vacuum {table}:\n{text}"
        );
    }
    assert_eq!(
        query(DB, "SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL OR last_vacuum IS NOT NULL"),
        "2"
    );
    let out = run(&vacuumdb, Some(&lib), &["--analyze-in-stages", "-d", DB]);
    let text = clean_stdout(&out, "vacuumdb --analyze-in-stages");
    assert!(
        text.contains("Generating minimal optimizer statistics (1 target)")
            && text.contains("Generating default (full) optimizer statistics"),
        "{text}"
    );

    let before = query(DB, "SELECT relfilenode FROM pg_class WHERE relname = 'a_v'");
    let out = run(&reindexdb, Some(&lib), &["-e", "-d", DB]);
    let text = clean_stdout(&out, "reindexdb");
    assert!(text.contains(&format!("REINDEX DATABASE {DB};")), "{text}");
    let after = query(DB, "SELECT relfilenode FROM pg_class WHERE relname = 'a_v'");
    assert_ne!(before, after, "reindexdb did not rebuild the index");
    let out = run(
        &reindexdb,
        Some(&lib),
        &["-j", "2", "-e", "-t", "a", "-t", "b", "-d", DB],
    );
    let text = clean_stdout(&out, "reindexdb -j 2");
    for table in ["public.a", "public.b"] {
        assert!(text.contains(&format!("REINDEX TABLE {table};")), "{text}");
    }
}

#[test]
fn clients_pg_isready() {
    let pg_isready = tool("pg_isready");
    let s = server();
    let check = |lib: Option<&Path>, port: &str| {
        let sock = s.socket_dir.to_string_lossy().into_owned();
        let out = support::run_with_lib(
            &pg_isready,
            lib,
            &["-h", &sock, "-p", port, "-U", TRUST_USER, "-t", "5"],
            &[],
        );
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let port = s.port.to_string();
    let up = check(Some(&ours()), &port);
    assert_eq!(
        up,
        (
            Some(0),
            format!(
                "{}:{port} - accepting connections\n",
                s.socket_dir.display()
            )
        )
    );
    assert_eq!(up, check(None, &port));
    // Nothing listens on port 1 in the socket directory.
    let down = check(Some(&ours()), "1");
    assert_eq!(
        down,
        (
            Some(2),
            format!("{}:1 - no response\n", s.socket_dir.display())
        )
    );
    assert_eq!(down, check(None, "1"));
}

#[test]
fn clients_createdb_createuser_dropdb() {
    const DB: &str = "libpqrs_clients_created";
    const USER: &str = "libpqrs_clients_user";
    let createdb = tool("createdb");
    let dropdb = tool("dropdb");
    let createuser = tool("createuser");
    let dropuser = tool("dropuser");
    let lib = ours();
    let s = server();
    s.psql(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"));

    {
        let _roles = support::shared_roles_lock();
        s.psql(&format!("DROP ROLE IF EXISTS {USER}"));
        let out = run(
            &createuser,
            Some(&lib),
            &["-e", "--createdb", "--no-superuser", USER],
        );
        let text = clean_stdout(&out, "createuser");
        assert!(
            text.contains(&format!("CREATE ROLE {USER} NOSUPERUSER CREATEDB")),
            "{text}"
        );
        assert_eq!(
            s.psql(&format!(
                "SELECT rolcanlogin, rolcreatedb, rolsuper FROM pg_roles WHERE rolname = '{USER}'"
            ))
            .trim(),
            "t|t|f"
        );
    }

    let out = run(
        &createdb,
        Some(&lib),
        &[
            "-e",
            "-O",
            USER,
            "-E",
            "UTF8",
            "-T",
            "template0",
            DB,
            "made by createdb",
        ],
    );
    let text = clean_stdout(&out, "createdb");
    assert!(
        text.contains(&format!(
            "CREATE DATABASE {DB} OWNER {USER} ENCODING 'UTF8' TEMPLATE template0;"
        )),
        "{text}"
    );
    assert_eq!(
        s.psql(&format!(
            "SELECT pg_get_userbyid(datdba), shobj_description(oid, 'pg_database') \
             FROM pg_database WHERE datname = '{DB}'"
        ))
        .trim(),
        format!("{USER}|made by createdb")
    );
    // Creating it again fails with the server's message.
    let out = run(&createdb, Some(&lib), &[DB]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "createdb: error: database creation failed: ERROR:  database \"{DB}\" already exists\n"
        )
    );

    let out = run(&dropdb, Some(&lib), &["-e", DB]);
    let text = clean_stdout(&out, "dropdb");
    assert!(text.contains(&format!("DROP DATABASE {DB};")), "{text}");
    assert_eq!(
        s.psql(&format!(
            "SELECT count(*) FROM pg_database WHERE datname = '{DB}'"
        ))
        .trim(),
        "0"
    );
    let out = run(&dropdb, Some(&lib), &[DB]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "dropdb: error: database removal failed: ERROR:  database \"{DB}\" does not exist\n"
        )
    );

    let _roles = support::shared_roles_lock();
    clean_stdout(&run(&dropuser, Some(&lib), &[USER]), "dropuser");
    assert_eq!(
        s.psql(&format!(
            "SELECT count(*) FROM pg_roles WHERE rolname = '{USER}'"
        ))
        .trim(),
        "0"
    );
}
