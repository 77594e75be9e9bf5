-- Joins whose unused columns are pruned (plan/prune.c, exec/hashjoin.c):
-- the build side keeps only the keys, the condition's columns and what the
-- plan above reads, and the join outputs only what is read above.  Every
-- join type, USING / NATURAL, residual conditions over unselected columns,
-- chains of joins, count(*) over a join, self joins and NOT IN.
CREATE TEMPORARY VIEW o (o_id INT, o_cust INT, o_status STRING, o_total DECIMAL(10,2), o_date DATE, o_note STRING) USING csv OPTIONS (path 'tests/sql/query/data/jp_orders.csv', header 'true');

CREATE TEMPORARY VIEW l (l_order INT, l_no INT, l_item INT, l_qty INT, l_price DECIMAL(10,2), l_flag STRING, l_comment STRING) USING csv OPTIONS (path 'tests/sql/query/data/jp_lines.csv', header 'true');

CREATE TEMPORARY VIEW c USING csv OPTIONS (path 'tests/sql/query/data/jp_cust.csv', header 'true', inferSchema 'true');

CREATE OR REPLACE TEMPORARY VIEW v AS SELECT * FROM VALUES
  (1, 'one', 1.5, 'p'), (2, 'two', 2.5, 'q'), (2, 'deux', 3.5, 'r'), (NULL, 'none', 4.5, 's')
  AS v(k, name, w, tag);

SELECT o_id, l_qty FROM o JOIN l ON o_id = l_order;

SELECT l_comment FROM o JOIN l ON o_id = l_order;

SELECT o_note FROM o JOIN l ON o_id = l_order;

SELECT count(*) FROM o JOIN l ON o_id = l_order;

SELECT count(*) FROM o, l WHERE o_id = l_order AND l_flag <> o_status;

SELECT o_id, l_no FROM o JOIN l ON o_id = l_order AND l_price * l_qty > o_total / 4;

SELECT o_id, l_no, l_item FROM o LEFT JOIN l ON o_id = l_order;

SELECT o_date FROM o LEFT JOIN l ON o_id = l_order AND l_flag = 'A';

SELECT l_no, o_status FROM o RIGHT JOIN l ON o_id = l_order;

SELECT l_comment FROM o RIGHT JOIN l ON o_id = l_order AND o_status = 'F';

SELECT o_id, l_order, l_comment FROM o FULL OUTER JOIN l ON o_id = l_order;

SELECT o_note FROM o FULL JOIN l ON o_id = l_order AND l_qty > 1;

SELECT o_id, o_total FROM o LEFT SEMI JOIN l ON o_id = l_order AND l_flag = 'R';

SELECT o_id FROM o LEFT ANTI JOIN l ON o_id = l_order;

SELECT o_note FROM o WHERE EXISTS (SELECT 1 FROM l WHERE l_order = o_id AND l_qty > 2);

SELECT o_id FROM o WHERE o_cust NOT IN (SELECT c_id FROM c);

SELECT o_id FROM o WHERE o_cust NOT IN (SELECT c_id FROM c WHERE c_nation = 1);

SELECT c_name, o_id, l_no FROM c JOIN o ON c_id = o_cust JOIN l ON o_id = l_order;

SELECT c_name, sum(l_price * l_qty) AS revenue FROM c, o, l
WHERE c_id = o_cust AND o_id = l_order AND o_date >= DATE '2024-02-01'
GROUP BY c_name ORDER BY revenue DESC;

SELECT c_nation, count(*), max(o_total) FROM c LEFT JOIN o ON c_id = o_cust GROUP BY c_nation;

SELECT x.o_id, y.o_note FROM o x JOIN o y ON x.o_cust = y.o_cust AND x.o_id < y.o_id;

SELECT k, name FROM v JOIN (SELECT k AS k2, tag FROM v) t ON k = k2;

SELECT * FROM (SELECT k, w FROM v) a JOIN (SELECT k, tag FROM v) b USING (k);

SELECT tag FROM (SELECT k, w FROM v) a JOIN (SELECT k, tag FROM v) b USING (k);

SELECT k FROM (SELECT k, w FROM v) a FULL JOIN (SELECT k, tag FROM v) b USING (k);

SELECT name FROM (SELECT k, name FROM v) a NATURAL JOIN (SELECT k, tag FROM v) b;

SELECT count(*) FROM (SELECT k, name FROM v) a NATURAL LEFT JOIN (SELECT k, tag FROM v) b;

SELECT o_id, name FROM o CROSS JOIN v WHERE o_id = 1;

SELECT count(*) FROM o CROSS JOIN v;

SELECT o_id, l_no FROM o JOIN l ON o_id = l_order ORDER BY l_price DESC, o_id, l_no LIMIT 3;

SELECT o_id FROM o JOIN l ON o_id = l_order UNION ALL SELECT l_no FROM l LEFT ANTI JOIN o ON o_id = l_order;

SELECT upper(o_status), l_flag FROM o JOIN l ON o_id = l_order JOIN c ON c_id = o_cust WHERE c_nation = 1;

SELECT c_name, cnt FROM c JOIN (SELECT o_cust, count(*) AS cnt FROM o JOIN l ON o_id = l_order GROUP BY o_cust) t ON c_id = o_cust;
