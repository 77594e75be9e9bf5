-- Subquery shapes of the TPC-H queries on small tables: correlated scalar
-- aggregates over comma joins (Q2), IN with a correlated scalar inside (Q20),
-- scalar + NOT EXISTS inside a FROM subquery (Q22), a CTE used by a
-- subquery (Q15), EXISTS with <> (Q21), IN with GROUP BY / HAVING (Q18).
CREATE OR REPLACE TEMPORARY VIEW part AS SELECT * FROM VALUES
  (1, 'red'), (2, 'blue'), (3, 'red'), (4, 'green')
  AS part(p_partkey, p_color);

CREATE OR REPLACE TEMPORARY VIEW supp AS SELECT * FROM VALUES
  (10, 'A', 1), (11, 'B', 2), (12, 'C', 1)
  AS supp(s_suppkey, s_name, s_region);

CREATE OR REPLACE TEMPORARY VIEW ps AS SELECT * FROM VALUES
  (1, 10, 5, 100), (1, 11, 3, 50), (1, 12, 3, 10), (2, 10, 7, 20),
  (2, 12, 9, 30), (3, 11, 1, 5), (4, 12, 2, 70)
  AS ps(ps_partkey, ps_suppkey, ps_cost, ps_qty);

CREATE OR REPLACE TEMPORARY VIEW li AS SELECT * FROM VALUES
  (100, 1, 10, 4), (100, 2, 10, 8), (101, 1, 11, 30), (102, 3, 11, 2),
  (102, 1, 12, 1), (103, 4, 12, 40), (103, 4, 12, 45)
  AS li(l_orderkey, l_partkey, l_suppkey, l_qty);

SELECT p_partkey, s_name, ps_cost
FROM part, supp, ps
WHERE p_partkey = ps_partkey AND s_suppkey = ps_suppkey AND s_region = 1
  AND ps_cost = (SELECT min(ps_cost) FROM ps, supp
                 WHERE p_partkey = ps_partkey AND s_suppkey = ps_suppkey AND s_region = 1)
ORDER BY p_partkey, s_name;

SELECT s_name FROM supp
WHERE s_suppkey IN (
    SELECT ps_suppkey FROM ps
    WHERE ps_partkey IN (SELECT p_partkey FROM part WHERE p_color = 'red')
      AND ps_qty > (SELECT 2 * sum(l_qty) FROM li
                    WHERE l_partkey = ps_partkey AND l_suppkey = ps_suppkey))
ORDER BY s_name;

SELECT region, count(*) AS n, sum(cost) AS total
FROM (SELECT s_region AS region, ps_cost AS cost FROM supp, ps
      WHERE s_suppkey = ps_suppkey
        AND ps_cost > (SELECT avg(ps_cost) FROM ps WHERE ps_qty > 10)
        AND NOT EXISTS (SELECT * FROM li WHERE l_suppkey = s_suppkey AND l_partkey = ps_partkey)) AS x
GROUP BY region ORDER BY region;

WITH rev AS (SELECT l_suppkey AS supplier_no, sum(l_qty) AS total FROM li GROUP BY l_suppkey)
SELECT s_suppkey, s_name, total FROM supp, rev
WHERE s_suppkey = supplier_no AND total = (SELECT max(total) FROM rev);

SELECT DISTINCT l1.l_orderkey, l1.l_suppkey FROM li l1
WHERE EXISTS (SELECT * FROM li l2 WHERE l2.l_orderkey = l1.l_orderkey AND l2.l_suppkey <> l1.l_suppkey)
  AND NOT EXISTS (SELECT * FROM li l3 WHERE l3.l_orderkey = l1.l_orderkey
                  AND l3.l_suppkey <> l1.l_suppkey AND l3.l_qty > 5);

SELECT l_orderkey, sum(l_qty) FROM li
WHERE l_orderkey IN (SELECT l_orderkey FROM li GROUP BY l_orderkey HAVING sum(l_qty) > 20)
GROUP BY l_orderkey ORDER BY l_orderkey;

SELECT * FROM part WHERE EXISTS (SELECT 1 FROM ps WHERE ps_partkey = p_partkey AND ps_qty > 60);

SELECT p_partkey FROM part p
WHERE (SELECT count(*) FROM ps WHERE ps.ps_partkey = p.p_partkey) >= 2
ORDER BY p_partkey;
