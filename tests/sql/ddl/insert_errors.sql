-- INSERT: Spark's ANSI store assignment (what it casts and what it rejects),
-- column lists, arity and target errors.
CREATE TABLE t (a INT, b BIGINT, d STRING, e DATE, f BOOLEAN) USING csv;

INSERT INTO t (a) VALUES ('1');

INSERT INTO t (a) VALUES (true);

INSERT INTO t (a) VALUES (DATE '2020-01-01');

INSERT INTO t (e) VALUES (1);

INSERT INTO t (b) VALUES ('x');

INSERT INTO t (f) VALUES (1);

INSERT INTO t (a, b, d) VALUES (1.5, 2.5D, 3);

INSERT INTO t (e, d) VALUES (TIMESTAMP '2020-01-02 03:04:05', DATE '2021-05-06');

INSERT INTO t (d, f) VALUES (true, false);

SELECT * FROM t;

INSERT INTO t VALUES (1, 2);

INSERT INTO t VALUES (1, 2, '3', DATE '2020-01-01', true, 6);

INSERT INTO nosuch VALUES (1);

CREATE TEMPORARY VIEW tv AS SELECT 1 AS x;

INSERT INTO tv VALUES (1);

DROP TABLE t;
