-- count with several arguments, stars among a function's arguments, count() and count(t.*)
CREATE TEMPORARY VIEW cnt AS SELECT * FROM VALUES (1, 1), (1, 2), (2, 1), (1, 1), (null, 2), (1, null), (null, null) AS cnt(a, b);
SELECT count(a, b), count(b, a), count(cnt.*, cnt.*) FROM cnt;
SELECT count(DISTINCT a, b), count(DISTINCT *), count(DISTINCT cnt.*, cnt.*) FROM cnt;
SELECT concat_ws('-', *) FROM cnt;
SELECT count() FROM cnt;
SELECT count(cnt.*) FROM cnt;
set spark.sql.legacy.allowParameterlessCount=true;
SELECT count() FROM cnt;
set spark.sql.legacy.allowStarWithSingleTableIdentifierInCount=true;
SELECT count(cnt.*) FROM cnt;
