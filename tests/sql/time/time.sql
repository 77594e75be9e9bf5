-- hand-written expected output: Spark 4.1's TIME type, which PySpark 3.5 (the
-- generator's Spark) does not have; tests/sql/gen_expected.py skips this file.
-- Values follow Spark 4.1's documented text (HH:mm:ss, fraction without trailing zeros).
CREATE OR REPLACE TEMPORARY VIEW tt AS SELECT * FROM VALUES
  (1, TIME'12:34:56.5'), (2, TIME'00:00:01'), (3, NULL), (4, TIME'23:59:59.999999')
  AS tt(id, t);

SELECT TIME'12:34:56.5' AS a, CAST('1:2' AS TIME(0)) AS b, CAST('25:00' AS TIME) AS c;

SELECT CAST(TIME'07:08:09.100' AS STRING) AS s;

SELECT id, t FROM tt ORDER BY t;

SELECT id, hour(t) AS h, minute(t) AS m, second(t) AS s FROM tt ORDER BY id;

SELECT t, count(*) AS n FROM tt GROUP BY t ORDER BY t;

SELECT id FROM tt WHERE t > TIME'12:00' ORDER BY id;

SELECT typeof(t) AS ty, typeof(CAST('10:00' AS TIME(3))) AS ty3 FROM tt WHERE id = 1;
