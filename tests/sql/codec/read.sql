-- Compressed CSV and JSON lines written by PySpark (tests/sql/codec/gen_data.py), read by the
-- codec their extension names, as Hadoop's CompressionCodecFactory does
CREATE TEMPORARY VIEW c_bz2 USING csv OPTIONS (path 'tests/sql/codec/data/small.csv.bz2', header 'true', inferSchema 'true');
SELECT * FROM c_bz2;
CREATE TEMPORARY VIEW c_gz USING csv OPTIONS (path 'tests/sql/codec/data/small.csv.gz', header 'true', inferSchema 'true');
SELECT * FROM c_gz;
CREATE TEMPORARY VIEW c_deflate USING csv OPTIONS (path 'tests/sql/codec/data/small.csv.deflate', header 'true', inferSchema 'true');
SELECT * FROM c_deflate;
CREATE TEMPORARY VIEW c_lz4 USING csv OPTIONS (path 'tests/sql/codec/data/small.csv.lz4', header 'true', inferSchema 'true');
SELECT * FROM c_lz4;
CREATE TEMPORARY VIEW c_snappy USING csv OPTIONS (path 'tests/sql/codec/data/small.csv.snappy', header 'true', inferSchema 'true');
SELECT * FROM c_snappy;
DESCRIBE c_bz2;
SELECT * FROM json.`tests/sql/codec/data/small.json.bz2`;
SELECT * FROM json.`tests/sql/codec/data/small.json.gz`;
SELECT * FROM json.`tests/sql/codec/data/small.json.deflate`;
SELECT * FROM json.`tests/sql/codec/data/small.json.lz4`;
SELECT * FROM json.`tests/sql/codec/data/small.json.snappy`;
-- concatenated gzip / bzip2 members: every member is read
CREATE TEMPORARY VIEW cc_gz USING csv OPTIONS (path 'tests/sql/codec/data/concat.csv.gz', header 'true', inferSchema 'true');
SELECT * FROM cc_gz;
SELECT * FROM json.`tests/sql/codec/data/concat.json.gz`;
CREATE TEMPORARY VIEW cc_bz2 USING csv OPTIONS (path 'tests/sql/codec/data/concat.csv.bz2', header 'true', inferSchema 'true');
SELECT * FROM cc_bz2;
SELECT * FROM json.`tests/sql/codec/data/concat.json.bz2`;
-- several Hadoop blocks (lz4, snappy)
CREATE TEMPORARY VIEW big_lz4 USING csv OPTIONS (path 'tests/sql/codec/data/big.csv.lz4', header 'true', inferSchema 'true');
SELECT count(*), sum(id), sum(length(s)), count(DISTINCT k), max(s) FROM big_lz4;
SELECT count(*), sum(id), sum(length(s)), count(DISTINCT k), max(s) FROM json.`tests/sql/codec/data/big.json.snappy`;
-- files in different codecs together (the concat files hold the same rows as small)
CREATE TEMPORARY VIEW mixed USING json OPTIONS (path 'tests/sql/codec/data/*.json.{gz,bz2,deflate,lz4,snappy}');
SELECT count(*), count(DISTINCT id, name) FROM mixed;
