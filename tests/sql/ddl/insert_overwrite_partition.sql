-- INSERT OVERWRITE ... PARTITION in Spark's static mode (the default): the
-- PARTITION clause's static values name the partitions replaced, even by no rows;
-- other partitions stay.  Without static values the whole table is replaced.
CREATE TABLE iop (a INT, b STRING, c STRING, d INT) USING parquet PARTITIONED BY (c, d);
INSERT INTO iop VALUES (1, 'one', 'x', 1), (2, 'two', 'x', 2), (3, 'three', 'y', 1), (4, 'four', 'z', 3);
INSERT OVERWRITE iop PARTITION (c = 'x', d = 1) SELECT 10, 'ten';
SELECT * FROM iop ORDER BY a;
INSERT OVERWRITE iop PARTITION (c = 'x', d) SELECT 20, 'twenty', 5;
SELECT * FROM iop ORDER BY a;
SHOW PARTITIONS iop;
INSERT OVERWRITE iop PARTITION (c = 'y', d = 1) SELECT 1, 'none' WHERE false;
SELECT * FROM iop ORDER BY a;
SHOW PARTITIONS iop;
INSERT OVERWRITE iop PARTITION (c, d) SELECT 30, 'thirty', 'w', 4;
SELECT * FROM iop ORDER BY a;
INSERT OVERWRITE iop PARTITION (c = 'q', d = 7) VALUES (40, 'forty'), (41, 'forty-one');
INSERT OVERWRITE iop PARTITION (c = 'q', d = 7) VALUES (42, 'forty-two');
SELECT * FROM iop ORDER BY a;
CREATE TABLE iop2 (a INT, dt DATE, h INT) USING csv PARTITIONED BY (dt, h);
INSERT INTO iop2 VALUES (1, DATE'2024-01-01', 1), (2, DATE'2024-01-01', 2), (3, DATE'2024-01-02', 1);
INSERT OVERWRITE iop2 PARTITION (dt = '2024-01-01', h) SELECT 9, 2;
SELECT * FROM iop2 ORDER BY a;
SHOW PARTITIONS iop2;
