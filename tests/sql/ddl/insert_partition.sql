-- INSERT INTO ... PARTITION (static values and dynamic columns) into a partitioned table.
CREATE TABLE ipt (a INT, b STRING, c STRING, d INT) USING parquet PARTITIONED BY (c, d);
INSERT INTO ipt PARTITION (c = 'x', d = 1) SELECT 1, 'one';
INSERT INTO ipt PARTITION (c = 'y', d) SELECT 2, 'two', 7;
INSERT INTO ipt PARTITION (c, d) SELECT 3, 'three', 'z', 9;
INSERT INTO ipt PARTITION (c = 'x', d = 2) VALUES (4, 'four'), (5, 'five');
SELECT * FROM ipt ORDER BY a;
SHOW PARTITIONS ipt;
SELECT count(*) FROM ipt WHERE c = 'x';
INSERT INTO ipt PARTITION (c = 'x', d = 1) SELECT 1;
DROP TABLE ipt;
