-- A psql session run once on the system libpq and once on ours; the outputs
-- must be identical. Covers what this issue's API gives psql: simple queries,
-- several results per line, metadata, errors and notices, COPY both ways,
-- \d (catalog queries), variables and \gset, large objects.
\set ON_ERROR_STOP 0
select 1 as one, 'two' as two, null as three;
create temp table t(id int primary key, name text, price numeric(10,2));
insert into t values (1, 'apple', 0.5), (2, 'banana', null);
select * from t order by id; select count(*) from t;
\d t
copy t from stdin;
3	cherry	1.25
\.
\copy t to stdout
select name from t where id = 3 \gset
\echo :name
selec 1;
select 1/0;
\set VERBOSITY verbose
insert into t values (1, 'dup', 1);
\set VERBOSITY default
do $$ begin raise notice 'hello %', 42; end $$;
begin;
select 1/0;
rollback;
\encoding
\lo_import tests/psql/session.sql
\conninfo
