-- A psql session run with -f, once on the system libpq and once on ours;
-- the outputs must be identical (tests/integration/psql.rs). psql runs in
-- its own session without a terminal (setsid), in a scratch directory (the
-- relative file names below), with -v lo_src=<this file> and the answers to
-- \password's two prompts on stdin. Objects go to schema psql_s, dropped at
-- the end.
\set ON_ERROR_STOP 0
select 1 as one, 'two' as two, null as three;
create schema psql_s;
create table psql_s.t(id int primary key, name text, price numeric(10,2));
insert into psql_s.t values (1, 'apple', 0.5), (2, 'banana', null);
select * from psql_s.t order by id; select count(*) from psql_s.t;

-- the \d family
create index t_name on psql_s.t (name);
create view psql_s.v as select id, upper(name) as name from psql_s.t;
create sequence psql_s.seq start 10;
create type psql_s.mood as enum ('sad', 'ok', 'happy');
create function psql_s.twice(i int) returns int language sql immutable as 'select 2 * i';
comment on table psql_s.t is 'fruit';
\d psql_s.t
\d+ psql_s.t
\dt psql_s.*
\dt+ psql_s.t
\di psql_s.*
\dv psql_s.*
\ds psql_s.*
\dT psql_s.*
\df psql_s.*
\dn psql_s
\dd psql_s.*
\dp psql_s.*
\du libpqrs_trust
\dx plpgsql
\sf psql_s.twice
\sv psql_s.v

-- COPY FROM STDIN in the script, \copy both ways through files
copy psql_s.t from stdin;
3	cherry	1.25
4	date	\N
\.
\copy psql_s.t to stdout
\copy psql_s.t to 'copy_out.tsv'
create table psql_s.t2 (like psql_s.t);
\copy psql_s.t2 from 'copy_out.tsv'
\copy psql_s.t2 (id, name) from stdin with (format csv)
5,"elder, berry"
\.
\copy (select id, name from psql_s.t2 order by id) to 'copy_out.csv' with (format csv, header)
\copy psql_s.t2 to stdout with (format csv, header, force_quote *)
copy psql_s.t2 from stdin;
6	fig	x
\.

-- variables, \gset, \if
select name from psql_s.t where id = 3 \gset
\echo :name
select 7 as a, 'x y' as b \gset v_
\echo :v_a :'v_b' :"v_b"
\set greeting 'hello world'
\echo :greeting :{?greeting} :{?nothing}
\if :{?greeting}
\echo defined
\else
\echo not defined
\endif
select 1 where false;
\echo rows :ROW_COUNT error :ERROR
selec 1;
\echo sqlstate :SQLSTATE last :LAST_ERROR_SQLSTATE :LAST_ERROR_MESSAGE
\unset greeting
\echo :{?greeting}
select 'a' as x, 'b' as y \gdesc
select format('select %s as n', i) from generate_series(1, 2) i \gexec
select id, name, price from psql_s.t where id < 3 \crosstabview name id price

-- errors and notices
select 1/0;
\set VERBOSITY verbose
insert into psql_s.t values (1, 'dup', 1);
\set VERBOSITY default
do $$ begin raise notice 'hello %', 42; end $$;
begin;
select 1/0;
select 1;
rollback;
create function psql_s.fail() returns int language plpgsql as
  $$ begin raise notice 'in fail'; return 1 / 0; end $$;
\set VERBOSITY verbose
\set SHOW_CONTEXT always
select psql_s.fail();
do $$ begin raise warning 'a warning' using detail = 'the detail', hint = 'a hint'; end $$;
\errverbose
\set VERBOSITY terse
select psql_s.fail();
\set VERBOSITY default
\set SHOW_CONTEXT never
select psql_s.fail();
\set SHOW_CONTEXT errors

-- large objects
\lo_import :lo_src
\lo_export :LASTOID 'lo_out.sql'
select count(*) as lo_pages from pg_largeobject where loid = :LASTOID;
\lo_unlink :LASTOID

-- \password (prompts answered on stdin), for a role of this test
\password libpqrs_psql_role

\encoding
\conninfo
drop schema psql_s cascade;

-- ON_ERROR_STOP: psql stops at the first error, with status 3
\set ON_ERROR_STOP on
select 'before the error';
select 1/0;
select 'not reached';
