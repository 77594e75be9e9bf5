-- The SQL analyzer: SELECT lists, FROM (views, subqueries, VALUES, range),
-- WHERE, CTEs, LIMIT/OFFSET.  Expected output: tests/sql/gen_expected.py.
CREATE OR REPLACE TEMPORARY VIEW t AS SELECT * FROM VALUES
  (1, 2, 'x'), (1, 3, 'y'), (2, 5, NULL), (3, NULL, 'z')
  AS t(a, b, c);

CREATE OR REPLACE TEMPORARY VIEW u AS SELECT * FROM VALUES
  (1, 'one'), (2, 'two'), (4, 'four')
  AS u(a, name);

SELECT * FROM t;

SELECT a, b, t.c, t.a + 1, T.A, b * 2 AS twice FROM t WHERE a = 1;

SELECT t.* FROM t WHERE b > 2;

SELECT x.* FROM t AS x WHERE x.c IS NOT NULL;

SELECT a + b, upper(c), a = 1, -a, CAST(a AS STRING) FROM t;

SELECT 1, 'a', NULL, 2.5D, true;

SELECT * FROM (SELECT a, b FROM t WHERE b IS NOT NULL) s(x, y) WHERE s.x = 1;

SELECT s.a FROM (SELECT a FROM t) AS s WHERE a > 1;

SELECT * FROM VALUES (1, 'a'), (2, NULL), (3, 'c');

SELECT * FROM VALUES (1, 2), (3L, 4) AS v(x, y);

SELECT col1 + 1 FROM VALUES 1, 2, 3;

SELECT * FROM range(3);

SELECT id * 2 AS d FROM range(1, 10, 3);

SELECT * FROM range(5, 0, -2);

WITH w AS (SELECT a, b FROM t WHERE b IS NOT NULL) SELECT * FROM w WHERE a = 1;

WITH w(k, v) AS (SELECT a, b FROM t), w2 AS (SELECT k FROM w WHERE v > 2) SELECT * FROM w2;

WITH w AS (SELECT 1 AS one) SELECT * FROM w, w AS w2;

SELECT a FROM t ORDER BY a LIMIT 2;

SELECT a, b FROM t ORDER BY a, b LIMIT 2 OFFSET 1;

SELECT * FROM t LIMIT 1 + 1;

SELECT * FROM t LIMIT 0;

SELECT DISTINCT a FROM t;

SELECT DISTINCT a, c IS NULL FROM t ORDER BY a;

SELECT a FROM t WHERE a IN (1, 2) AND c LIKE 'x%' OR b IS NULL;

TABLE u;

SELECT * FROM nosuch;

SELECT nosuch FROM t;

SELECT q.* FROM t;

SELECT * FROM t LIMIT -1;

SELECT * FROM t LIMIT a;
