-- CSV and JSON written with each codec (the compression option; codec is its alias for CSV), read back.
-- The files go into tables of the warehouse, which is a fresh temporary directory for every
-- run (tests/sql/run_sql.sh gives each engine process its own, gen_expected.py's Spark its
-- own), so two test runs at once never write the same files.
CREATE TABLE w_bzip2 USING csv OPTIONS (compression 'bzip2', header 'true') AS SELECT id, concat('v', id) AS s, id / 4 AS d FROM range(0, 2000);
SELECT count(*), sum(id), max(s), sum(d) FROM w_bzip2;
CREATE TABLE w_gzip USING csv OPTIONS (codec 'GZIP') AS SELECT id, concat('v', id) AS s FROM range(0, 2000);
SELECT count(*), max(s) FROM w_gzip;
CREATE TABLE w_deflate USING csv OPTIONS (compression 'deflate') AS SELECT id, concat('v', id) AS s FROM range(0, 2000);
SELECT count(*), max(s) FROM w_deflate;
CREATE TABLE w_lz4 USING csv OPTIONS (compression 'lz4') AS SELECT id, repeat('x', CAST(id % 100 AS INT)) AS s FROM range(0, 20000);
SELECT count(*), sum(length(s)) FROM w_lz4;
CREATE TABLE w_snappy USING csv OPTIONS (compression 'org.apache.hadoop.io.compress.SnappyCodec') AS SELECT id, repeat('y', CAST(id % 100 AS INT)) AS s FROM range(0, 20000);
SELECT count(*), sum(length(s)) FROM w_snappy;
CREATE TABLE j_bzip2 USING json OPTIONS (compression 'bzip2') AS SELECT id, array(id, id + 1) AS a, named_struct('s', concat('v', id)) AS st FROM range(0, 1000);
SELECT count(*), sum(a[1]), max(st.s) FROM j_bzip2;
CREATE TABLE j_gzip USING json OPTIONS (compression 'gzip') AS SELECT id, array(id, id + 1) AS a FROM range(0, 1000);
SELECT count(*), sum(a[1]) FROM j_gzip;
CREATE TABLE j_deflate USING json OPTIONS (compression 'deflate') AS SELECT id FROM range(0, 1000);
SELECT count(*), sum(id) FROM j_deflate;
CREATE TABLE j_lz4 USING json OPTIONS (compression 'lz4') AS SELECT id, repeat('z', CAST(id % 50 AS INT)) AS s FROM range(0, 20000);
SELECT count(*), sum(length(s)) FROM j_lz4;
CREATE TABLE j_snappy USING json OPTIONS (compression 'snappy') AS SELECT id, repeat('z', CAST(id % 50 AS INT)) AS s FROM range(0, 20000);
SELECT count(*), sum(length(s)) FROM j_snappy;
-- a table whose options name a codec: INSERTs write compressed part files
CREATE TABLE tc (id BIGINT, s STRING) USING csv OPTIONS (compression 'bzip2');
INSERT INTO tc SELECT id, concat('t', id) FROM range(0, 100);
INSERT INTO tc VALUES (1000, 'last');
SELECT count(*), max(s), sum(id) FROM tc;
CREATE TABLE tj USING json OPTIONS (compression 'gzip') AS SELECT id, concat('t', id) AS s FROM range(0, 100);
SELECT count(*), max(s), sum(id) FROM tj;
