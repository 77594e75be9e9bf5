--SET spark.sql.sources.partitionOverwriteMode=dynamic
-- spark.sql.sources.partitionOverwriteMode=dynamic: an INSERT OVERWRITE replaces only
-- the partitions it writes rows into; every other partition stays.
CREATE TABLE iod (a INT, c STRING, d INT) USING parquet PARTITIONED BY (c, d);
INSERT INTO iod VALUES (1, 'x', 1), (2, 'x', 2), (3, 'y', 1);
INSERT OVERWRITE iod SELECT 10, 'x', 1;
SELECT * FROM iod ORDER BY a;
INSERT OVERWRITE iod PARTITION (c = 'y', d) SELECT 20, 5;
SELECT * FROM iod ORDER BY a;
SHOW PARTITIONS iod;
INSERT OVERWRITE iod PARTITION (c = 'x', d = 2) SELECT 1 WHERE false;
SELECT * FROM iod ORDER BY a;
