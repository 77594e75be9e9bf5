-- The SQL analyzer: GROUP BY (expressions, ordinals, aliases), HAVING,
-- global aggregation, ROLLUP / CUBE / GROUPING SETS.
CREATE OR REPLACE TEMPORARY VIEW t AS SELECT * FROM VALUES
  (1, 2, 'x'), (1, 3, 'y'), (2, 5, NULL), (3, NULL, 'z'), (3, 7, 'z')
  AS t(a, b, c);

SELECT a, sum(b), count(*) FROM t GROUP BY a;

SELECT a + b, count(1), count(*) FROM t GROUP BY a + b;

SELECT (a + b) * 2 AS d, count(*) FROM t GROUP BY a + b;

SELECT c, sum(b) FROM t GROUP BY 1 ORDER BY 2;

SELECT a AS k, count(*) FROM t GROUP BY k HAVING count(*) > 1;

SELECT a, sum(b) s FROM t GROUP BY a HAVING s > 2 ORDER BY s DESC, a;

SELECT a FROM t GROUP BY a HAVING max(b) > 4;

SELECT a, max(b) - min(b) AS spread, avg(b) FROM t GROUP BY a ORDER BY a;

SELECT count(*), sum(b), min(c), max(c) FROM t;

SELECT sum(b) FROM t HAVING sum(b) > 1;

SELECT count(DISTINCT a), count(DISTINCT c) FROM t;

SELECT a FROM t GROUP BY a ORDER BY sum(b) DESC NULLS LAST, a;

SELECT max(b) FROM t GROUP BY a ORDER BY a;

SELECT a, c, count(*) FROM t GROUP BY a, c ORDER BY a, c;

SELECT 1 FROM t GROUP BY a;

SELECT a, sum(b) FROM t GROUP BY ROLLUP(a) ORDER BY 1;

SELECT a, c, sum(b) FROM t GROUP BY a, c WITH ROLLUP ORDER BY a, c;

SELECT a, c, CAST(grouping(a) AS INT) AS ga, CAST(grouping(c) AS INT) AS gc, grouping_id(), sum(b) FROM t GROUP BY CUBE(a, c) ORDER BY 1, 2, 3, 4;

SELECT a, c, count(*) FROM t GROUP BY GROUPING SETS ((a), (c), ()) ORDER BY 1, 2;

SELECT a, b FROM t GROUP BY a;

SELECT a, sum(b) FROM t;

SELECT a FROM t GROUP BY 3;

SELECT a, sum(b) FROM t GROUP BY 2;

SELECT a FROM t WHERE sum(b) > 1 GROUP BY a;
