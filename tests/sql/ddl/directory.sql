-- INSERT OVERWRITE DIRECTORY and a temporary view over the files it wrote.
INSERT OVERWRITE DIRECTORY 'build/sql-ddl-directory-out' USING csv OPTIONS (header 'true')
  SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y';

CREATE TEMPORARY VIEW written USING csv
  OPTIONS (path 'build/sql-ddl-directory-out', header 'true', inferSchema 'true');

SELECT * FROM written;

DESCRIBE written;

CREATE TABLE p (a INT) USING parquet2;
INSERT OVERWRITE DIRECTORY 'build/tmp-sql-dir-nested' USING csv SELECT array(1, 2) AS a;
