-- Scalar subqueries: uncorrelated (one row, no row, too many rows / columns)
-- and correlated aggregates (Spark's count bug handling).
CREATE OR REPLACE TEMPORARY VIEW t AS SELECT * FROM VALUES
  (1, 10), (2, 20), (3, NULL), (NULL, 40), (2, 25)
  AS t(a, b);

CREATE OR REPLACE TEMPORARY VIEW u AS SELECT * FROM VALUES
  (1, 'x', 5), (1, 'y', 7), (3, 'z', NULL), (5, NULL, 1)
  AS u(a, c, d);

SELECT a, b FROM t WHERE b > (SELECT avg(b) FROM t);

SELECT a, b, (SELECT max(d) FROM u) AS m FROM t;

SELECT a, (SELECT d FROM u WHERE c = 'x') AS d FROM t;

SELECT a, (SELECT d FROM u WHERE c = 'nothing') AS d FROM t;

SELECT a FROM t WHERE b = (SELECT max(b) FROM t WHERE a = 2);

SELECT (SELECT a FROM u) AS x;

SELECT a, (SELECT a, d FROM u) FROM t;

SELECT a, sum(b) AS s FROM t GROUP BY a HAVING sum(b) > (SELECT min(d) * 3 FROM u);

SELECT a, (SELECT count(*) FROM u WHERE u.a = t.a) AS n FROM t;

SELECT a, (SELECT sum(d) FROM u WHERE u.a = t.a) AS s FROM t;

SELECT a, (SELECT coalesce(sum(d), 0) + 1 FROM u WHERE u.a = t.a) AS s FROM t;

SELECT a, b FROM t WHERE b > (SELECT count(*) * 10 FROM u WHERE u.a = t.a);

SELECT a, (SELECT max(c) FROM u WHERE u.a = t.a AND u.d > 5) AS c FROM t;

SELECT a, b FROM t WHERE b < (SELECT 2.0 * avg(b) FROM t t2 WHERE t2.a = t.a) ORDER BY a, b;

SELECT a, (SELECT d FROM u WHERE u.a = t.a) FROM t;

SELECT a, 1 + (SELECT max(d) FROM u) * 2 AS x FROM t WHERE a IS NOT NULL;

WITH m AS (SELECT max(b) AS mb FROM t)
SELECT a FROM t WHERE b = (SELECT mb FROM m);
