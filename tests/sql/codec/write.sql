-- CSV and JSON written with each codec (the compression option; codec is its alias for CSV), read back
INSERT OVERWRITE DIRECTORY '/tmp/smelt_codec_w_bzip2' USING csv OPTIONS (compression 'bzip2', header 'true') SELECT id, concat('v', id) AS s, id / 4 AS d FROM range(0, 2000);
CREATE TEMPORARY VIEW w_bzip2 USING csv OPTIONS (path '/tmp/smelt_codec_w_bzip2', header 'true', inferSchema 'true');
SELECT count(*), sum(id), max(s), sum(d) FROM w_bzip2;
INSERT OVERWRITE DIRECTORY '/tmp/smelt_codec_w_gzip' USING csv OPTIONS (codec 'GZIP') SELECT id, concat('v', id) AS s FROM range(0, 2000);
SELECT count(*), max(_c1) FROM csv.`/tmp/smelt_codec_w_gzip`;
INSERT OVERWRITE DIRECTORY '/tmp/smelt_codec_w_deflate' USING csv OPTIONS (compression 'deflate') SELECT id, concat('v', id) AS s FROM range(0, 2000);
SELECT count(*), max(_c1) FROM csv.`/tmp/smelt_codec_w_deflate`;
INSERT OVERWRITE DIRECTORY '/tmp/smelt_codec_w_lz4' USING csv OPTIONS (compression 'lz4') SELECT id, repeat('x', CAST(id % 100 AS INT)) AS s FROM range(0, 20000);
SELECT count(*), sum(length(_c1)) FROM csv.`/tmp/smelt_codec_w_lz4`;
INSERT OVERWRITE DIRECTORY '/tmp/smelt_codec_w_snappy' USING csv OPTIONS (compression 'org.apache.hadoop.io.compress.SnappyCodec') SELECT id, repeat('y', CAST(id % 100 AS INT)) AS s FROM range(0, 20000);
SELECT count(*), sum(length(_c1)) FROM csv.`/tmp/smelt_codec_w_snappy`;
INSERT OVERWRITE DIRECTORY '/tmp/smelt_codec_j_bzip2' USING json OPTIONS (compression 'bzip2') SELECT id, array(id, id + 1) AS a, named_struct('s', concat('v', id)) AS st FROM range(0, 1000);
SELECT count(*), sum(a[1]), max(st.s) FROM json.`/tmp/smelt_codec_j_bzip2`;
INSERT OVERWRITE DIRECTORY '/tmp/smelt_codec_j_gzip' USING json OPTIONS (compression 'gzip') SELECT id, array(id, id + 1) AS a FROM range(0, 1000);
SELECT count(*), sum(a[1]) FROM json.`/tmp/smelt_codec_j_gzip`;
INSERT OVERWRITE DIRECTORY '/tmp/smelt_codec_j_deflate' USING json OPTIONS (compression 'deflate') SELECT id FROM range(0, 1000);
SELECT count(*), sum(id) FROM json.`/tmp/smelt_codec_j_deflate`;
INSERT OVERWRITE DIRECTORY '/tmp/smelt_codec_j_lz4' USING json OPTIONS (compression 'lz4') SELECT id, repeat('z', CAST(id % 50 AS INT)) AS s FROM range(0, 20000);
SELECT count(*), sum(length(s)) FROM json.`/tmp/smelt_codec_j_lz4`;
INSERT OVERWRITE DIRECTORY '/tmp/smelt_codec_j_snappy' USING json OPTIONS (compression 'snappy') SELECT id, repeat('z', CAST(id % 50 AS INT)) AS s FROM range(0, 20000);
SELECT count(*), sum(length(s)) FROM json.`/tmp/smelt_codec_j_snappy`;
-- a table whose options name a codec: INSERTs write compressed part files
CREATE TABLE tc (id BIGINT, s STRING) USING csv OPTIONS (compression 'bzip2');
INSERT INTO tc SELECT id, concat('t', id) FROM range(0, 100);
INSERT INTO tc VALUES (1000, 'last');
SELECT count(*), max(s), sum(id) FROM tc;
CREATE TABLE tj USING json OPTIONS (compression 'gzip') AS SELECT id, concat('t', id) AS s FROM range(0, 100);
SELECT count(*), max(s), sum(id) FROM tj;
