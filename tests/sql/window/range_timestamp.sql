-- RANGE frames over a timestamp key with day-time interval bounds; avg and sum cast a timestamp to seconds.
CREATE TEMPORARY VIEW rt AS SELECT * FROM VALUES (TIMESTAMP '2020-01-01 00:00:00', 'a'), (TIMESTAMP '2020-01-02 00:00:00', 'a'), (TIMESTAMP '2020-01-25 06:00:00', 'a'), (TIMESTAMP '2020-03-02 00:00:00', 'b'), (NULL, 'b') AS rt(t, c);
SELECT t, c, count(t) OVER (PARTITION BY c ORDER BY t RANGE BETWEEN CURRENT ROW AND interval 23 days 4 hours FOLLOWING) AS n FROM rt ORDER BY c, t;
SELECT t, avg(t) OVER (ORDER BY t RANGE BETWEEN interval 1 day PRECEDING AND CURRENT ROW) AS a FROM rt ORDER BY t;
SELECT avg(t), sum(t) FROM rt;
SELECT stddev(t) FROM rt;
