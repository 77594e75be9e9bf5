-- Set operations and DISTINCT aggregates over different arguments under a 4 MB memory budget
-- (smelt.memory.limit; Spark ignores the setting): in smelt they spill (exec/setopspill.c,
-- exec/hashagg.c, tests/unit/test_spill.c checks that they do) and give Spark's rows.
--SET smelt.memory.limit=4m
SELECT count(*), sum(a), sum(b) FROM (SELECT id % 25000 AS a, id % 5 AS b FROM range(0, 100000) INTERSECT SELECT id % 30000, id % 5 FROM range(0, 75000));
SELECT count(*), sum(a), sum(b) FROM (SELECT id % 25000 AS a, id % 5 AS b FROM range(0, 100000) INTERSECT ALL SELECT id % 30000, id % 5 FROM range(0, 75000));
SELECT count(*), sum(a), sum(b) FROM (SELECT id % 25000 AS a, id % 5 AS b FROM range(0, 100000) EXCEPT SELECT id % 30000, id % 5 FROM range(0, 75000));
SELECT count(*), sum(a), sum(b) FROM (SELECT id % 25000 AS a, id % 5 AS b FROM range(0, 100000) EXCEPT ALL SELECT id % 30000, id % 5 FROM range(0, 75000));
SELECT count(DISTINCT id % 45000), sum(DISTINCT id % 35000), count(DISTINCT id % 13, id % 1000), count(*), sum(id) FROM range(0, 150000);
SELECT id % 3 AS g, count(DISTINCT id), sum(DISTINCT id % 50000), count(DISTINCT id % 1000), max(id) FROM range(0, 150000) GROUP BY id % 3;
