--SET spark.sql.ansi.enabled=true
-- Conditional functions evaluate an argument only on the rows that need it:
-- under ANSI mode, 1/0 in a branch not taken raises no error.
SELECT if(1 == 1, 1, 1/0), if(1 != 1, 1/0, 1), coalesce(1, 1/0), coalesce(null, 1, 1/0);
SELECT nanvl(1-0, 1/0), nvl(2, 1/0), ifnull(3, 1/0), nvl2(1, 4, 1/0), nvl2(null, 1/0, 5);
SELECT a, coalesce(a, 10/a), if(a = 0, -1, 10/a), nvl2(a, 10/a, 0) FROM VALUES (0), (null), (5) AS t(a) WHERE a IS NULL OR a <> 0;
SELECT a, if(a = 0, -1, 10 div a), nanvl(cast(a AS double), 1/0) FROM VALUES (0), (2), (5) AS t(a);
SELECT if(a = 0, 1/a, 1) FROM VALUES (0) AS t(a);
