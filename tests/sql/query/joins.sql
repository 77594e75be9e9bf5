-- The SQL analyzer: joins written with JOIN ... ON / USING / NATURAL and
-- comma-separated relations whose WHERE conjuncts become join conditions.
CREATE OR REPLACE TEMPORARY VIEW t AS SELECT * FROM VALUES
  (1, 2, 'x'), (1, 3, 'y'), (2, 5, NULL), (3, NULL, 'z')
  AS t(a, b, c);

CREATE OR REPLACE TEMPORARY VIEW u AS SELECT * FROM VALUES
  (1, 'one'), (2, 'two'), (4, 'four')
  AS u(a, name);

CREATE OR REPLACE TEMPORARY VIEW v AS SELECT * FROM VALUES
  ('one', 10), ('two', 20), ('four', 40)
  AS v(name, score);

SELECT * FROM t, u WHERE t.a = u.a;

SELECT t.a, u.name, score FROM t, u, v WHERE t.a = u.a AND u.name = v.name AND b > 2;

SELECT t.c, v.score FROM t, v, u WHERE u.name = v.name AND t.a = u.a ORDER BY 1;

SELECT * FROM v, u, t WHERE t.a = u.a AND u.name = v.name;

SELECT count(*) FROM t, u;

SELECT * FROM t JOIN u ON t.a = u.a;

SELECT * FROM t LEFT JOIN u ON t.a = u.a AND u.name <> 'two';

SELECT * FROM t JOIN u USING (a);

SELECT * FROM t NATURAL JOIN u;

SELECT u.name, sum(b) FROM t JOIN u ON t.a = u.a GROUP BY u.name ORDER BY 1;

SELECT x.a, y.a FROM t x, t y WHERE x.b = y.b + 1;

SELECT a FROM t, u;

SELECT u.a, t.*, u.* FROM t LEFT JOIN u USING (a);

SELECT * FROM t FULL JOIN u USING (a) ORDER BY t.a, u.a;
