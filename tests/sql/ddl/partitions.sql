-- Partitioned tables: files under col=value/ directories (Spark's layout),
-- partition discovery with typed columns, pruning, SHOW PARTITIONS.
CREATE TABLE pt (id INT, name STRING, c STRING) USING parquet PARTITIONED BY (c);

INSERT INTO pt VALUES (1, 'a', 'x'), (2, 'b', 'y'), (3, 'c', NULL), (4, 'd', 'x/y');

SELECT * FROM pt;

SELECT * FROM pt WHERE c = 'x/y';

SELECT count(*) FROM pt WHERE c IS NULL;

SHOW PARTITIONS pt;

INSERT INTO pt SELECT 5, 'e', 'y';

SELECT c, count(*) FROM pt GROUP BY c;

INSERT OVERWRITE pt SELECT 6, 'f', 'z';

SELECT * FROM pt;

SHOW PARTITIONS pt;

CREATE TABLE pt2 (id INT, a INT, b STRING) USING csv PARTITIONED BY (a, b);

INSERT INTO pt2 VALUES (1, 1, 'p'), (2, 2, 'q'), (3, 1, 'p');

SELECT * FROM pt2 WHERE a = 1;

SHOW PARTITIONS pt2;

CREATE TABLE np (id INT) USING csv;

SHOW PARTITIONS np;

CREATE TEMPORARY VIEW sales USING csv
  OPTIONS (path 'tests/sql/ddl/data/sales', header 'true', inferSchema 'true');

DESCRIBE sales;

SELECT * FROM sales;

SELECT region, sum(amount) FROM sales WHERE year = 2024 GROUP BY region;

CREATE TEMPORARY VIEW sales_base USING csv
  OPTIONS (path 'tests/sql/ddl/data/sales/year=2024', basePath 'tests/sql/ddl/data/sales', header 'true');

SELECT * FROM sales_base;
