-- SHOW / DESCRIBE / SET output: column names, types and rows as Spark's.
CREATE TABLE t (a INT COMMENT 'the key', b STRING, g DECIMAL(10,2), d DATE) USING csv
  OPTIONS (sep ';', header 'true') PARTITIONED BY (b) COMMENT 'a table';

DESCRIBE t;

DESCRIBE TABLE t;

SHOW COLUMNS IN t;

SHOW COLUMNS IN t IN default;

SHOW CREATE TABLE t;

-- (column comments do not flow through queries in smelt yet: no `a` here)
DESCRIBE QUERY SELECT g * 2 AS g2, 'x' AS s, d FROM t;

DESCRIBE nosuch;

SHOW FUNCTIONS LIKE 'abs';

SHOW FUNCTIONS LIKE 'date_a*';

SHOW TABLES LIKE 't*|x';

SET spark.sql.shuffle.partitions=4;

SET spark.sql.shuffle.partitions;

SET my.own.key=hello;

SET my.own.key;

SET nosuch.key;

RESET my.own.key;

SET my.own.key;

CREATE TEMPORARY VIEW cached_v AS SELECT 1 AS one;

CACHE TABLE cached_v;

CACHE TABLE c2 AS SELECT 2 AS two;

SELECT * FROM c2;

UNCACHE TABLE c2;

UNCACHE TABLE IF EXISTS nosuch;

UNCACHE TABLE nosuch;

CLEAR CACHE;

REFRESH TABLE t;

DROP TABLE t;
