-- CREATE TABLE with nested column types: kept exactly in the catalog, written to and read
-- back from Parquet and JSON tables, shown by DESCRIBE and SHOW CREATE TABLE.
CREATE TABLE nc (id INT, a ARRAY<INT>, m MAP<STRING, BIGINT>, s STRUCT<x: INT, `Y y`: STRING>, d DECIMAL(10,2)) USING parquet;
INSERT INTO nc SELECT 1, array(1, 2), map('k', 10), named_struct('x', 1, 'Y y', 'b'), 1.5;
INSERT INTO nc SELECT 2, NULL, map(), named_struct('x', NULL, 'Y y', NULL), NULL;
SELECT * FROM nc ORDER BY id;
SELECT id, a[0], m['k'], s.x, s.`Y y` FROM nc ORDER BY id;
DESCRIBE nc;
SHOW CREATE TABLE nc;
CREATE TABLE nj (k STRING, v ARRAY<STRUCT<q: INT, r: ARRAY<STRING>>>) USING json;
INSERT INTO nj VALUES ('a', array(named_struct('q', 5, 'r', array('x', 'y')))), ('b', array());
SELECT * FROM nj ORDER BY k;
SELECT k, size(v), v[0].r FROM nj ORDER BY k;
DESCRIBE nj;
