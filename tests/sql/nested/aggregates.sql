-- collect_list / collect_set (nulls skipped), histogram_numeric
select k, collect_list(v), collect_set(v) from values (1, 2), (1, null), (1, 2), (2, 3), (3, null) as t(k, v) group by k order by k;
select collect_list(s), collect_set(s), array_agg(s) from values ('b'), ('a'), ('b') as t(s);
select collect_list(v) from values (1) as t(v) where v > 5;
select size(collect_set(v)), sort_array(collect_set(v)) from values (1.5), (2.5), (1.5) as t(v);
SELECT histogram_numeric(col, 3) FROM VALUES (1), (2), (3) AS tab(col);
SELECT histogram_numeric(col, 5), histogram_numeric(col, 10) FROM VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15), (16), (17), (18), (19), (20), (21), (22), (23), (24), (25), (26), (27), (28), (29), (30), (31), (32), (33), (34), (35), (3), (37), (38), (39), (40), (41), (42), (43), (44), (45), (46), (47), (48), (49), (50) AS tab(col);
select histogram_numeric(col, 2) FROM VALUES (1.5D), (2.5D), (10.0D), (null) AS tab(col);
select histogram_numeric(col, 2) FROM VALUES (1) AS tab(col) where col > 1;
select k, collect_list(a), collect_set(s), max(s), min(a), first(a) from values (1, array(1), named_struct('x', 1)), (1, array(2), named_struct('x', 1)), (2, null, named_struct('x', 0)) as t(k, a, s) group by k order by k;
select id, a, first(a) over (order by id) as f, max(a) over () as m from values (1, array(1)), (2, array(2, 3)) as t(id, a);
