-- Statements through `smelt sql`: commands, views, values as spark-sql prints
-- them, errors.  Expected output: tests/sql/gen_expected.py (PySpark).
CREATE TEMPORARY VIEW people AS SELECT * FROM VALUES
  (1, 'Alice', 34, 88.5D, DATE '1990-04-12'),
  (2, 'Bob', NULL, 72.25D, DATE '1985-11-30'),
  (3, 'Chloé', 29, NULL, NULL)
  AS people(id, name, age, score, birth);

SELECT * FROM people;

-- a comment between statements; with a semicolon
SELECT name, age FROM people WHERE age > 30 ORDER BY name;

SELECT name FROM people WHERE id > 10;

SELECT 'semi;colon' AS s, 'tab\there' AS t, 1.5E10D AS big, CAST(1 AS BIGINT) / 3 AS third;

SELECT true AS t, CAST(NULL AS BOOLEAN) AS n, CAST(1.10 AS DECIMAL(5, 2)) AS d;

SELECT TIMESTAMP '2024-01-15 10:30:00.5' AS ts, DATE '2024-02-29' AS d;

SELECT count(*) AS n, avg(age) AS avg_age FROM people;

SELECT nosuch FROM people;

SET spark.sql.session.timeZone=America/Los_Angeles;

SELECT CAST(TIMESTAMP '2020-01-01 00:00:00Z' AS STRING) AS local_time;

SHOW TABLES;
