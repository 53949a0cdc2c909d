-- A psql session read from stdin, once on the system libpq and once on
-- ours; the outputs must be identical (tests/integration/psql.rs). Objects
-- go to schema psql_in, dropped before the end; the last \connect fails,
-- which ends psql with status 2.
create schema psql_in;
create table psql_in.t (id int, name text, note text);
copy psql_in.t from stdin;
1	apple	\N
2	banana	long text that wraps around when the format is wrapped and the columns are narrow
3	cherry	a\ttab
\.
select count(*) from psql_in.t;

-- \pset formats and options
\pset columns 40
\pset null '(null)'
\pset format aligned
select * from psql_in.t order by id;
\pset format unaligned
select * from psql_in.t order by id;
\pset format wrapped
select * from psql_in.t order by id;
\pset format html
select * from psql_in.t order by id;
\pset format asciidoc
select * from psql_in.t order by id;
\pset format latex
select * from psql_in.t order by id;
\pset format latex-longtable
select * from psql_in.t order by id;
\pset format troff-ms
select * from psql_in.t order by id;
\pset format csv
select * from psql_in.t order by id;
\pset format aligned
\pset border 2
\pset linestyle unicode
\pset title 'Fruit'
select * from psql_in.t order by id;
\pset title
\pset footer off
\x on
select * from psql_in.t order by id;
\x off
\pset footer on
\pset border 1
\pset linestyle ascii
\t on
select id, name from psql_in.t order by id;
\t off
\a
\pset fieldsep '|'
select id, name from psql_in.t order by id;
\a
\pset numericlocale off
\pset

-- \watch: runs until the query fails on its third round
create sequence psql_in.w;
select 10 / (3 - nextval('psql_in.w')) as q \watch 0.01
\echo after watch

-- \encoding
\encoding
\encoding LATIN1
\encoding
show client_encoding;
select 'caf' || chr(233) as word, length('caf' || chr(233)) as len;
\encoding UTF8
select 'caf' || chr(233) as word;
\encoding NOT_AN_ENCODING

-- \connect to another database and user, and back
\connect libpqrs_psql_db libpqrs_psql_role
select current_database(), current_user;
\conninfo
\connect postgres libpqrs_trust
select current_database(), current_user;
drop schema psql_in cascade;

-- a failed \connect ends a script that is not interactive
\connect nonexistent_psql_db
select 'not reached';
