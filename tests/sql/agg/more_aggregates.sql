-- Aggregates beyond count/sum/avg/min/max/first/last (src/expr/agg.c);
-- names, result types, null handling.
CREATE OR REPLACE TEMPORARY VIEW t AS SELECT * FROM VALUES
  (1, 1, 10.5D, 'a', true, CAST(1.5 AS DECIMAL(5,2)), DATE '2020-01-01'),
  (1, 2, 20.0D, 'b', false, 2.25, DATE '2020-01-03'),
  (1, 3, NULL, 'a', NULL, NULL, NULL),
  (2, NULL, 7.0D, 'c', true, 3.0, DATE '2020-02-01'),
  (2, 4, 7.0D, 'c', true, 4.0, DATE '2020-02-05'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL)
  AS t(k, i, d, s, b, dec, dt);

SELECT k, every(b), bool_and(b), any(b), some(b), bool_or(b), count_if(b) FROM t GROUP BY k ORDER BY k;

SELECT every(b), bool_or(b), count_if(b) FROM t WHERE k = 3;

SELECT count_if(i > 1), count_if(d IS NULL) FROM t;

SELECT every(i) FROM t;

SELECT k, max_by(s, i), min_by(s, i), max_by(i, d), min_by(d, i) FROM t GROUP BY k ORDER BY k;

SELECT max_by(x, y), min_by(x, y) FROM VALUES (1, 5), (2, 5), (3, 1), (4, 1) AS v(x, y);

SELECT max_by(x, y) FROM VALUES (1, 5), (NULL, 7) AS v(x, y);

SELECT k, corr(i, d), covar_pop(i, d), covar_samp(i, d) FROM t GROUP BY k ORDER BY k;

SELECT corr(x, y), covar_pop(x, y), covar_samp(x, y) FROM VALUES (1, 2), (1, 3), (1, 4) AS v(x, y);

SELECT covar_pop(x, y), covar_samp(x, y), corr(x, y) FROM VALUES (1, 2.5), (2, 3.75), (4, 1.0), (8, 9.0) AS v(x, y);

SELECT skewness(x), kurtosis(x), skewness(CAST(x AS INT)) FROM VALUES (1D), (2D), (10D), (3.5D) AS v(x);

SELECT skewness(x), kurtosis(x) FROM VALUES (1D), (1D), (1D) AS v(x);

SELECT skewness(a), kurtosis(a), variance(a), stddev(a) FROM VALUES (1), (1), (2), (2), (3), (3), (NULL), (3), (NULL) AS v(a);

SELECT k, approx_count_distinct(s), approx_count_distinct(i, 0.1) FROM t GROUP BY k ORDER BY k;

SELECT k, median(i), percentile(i, 0.5), percentile(d, 0.25), percentile_approx(i, 0.5), approx_percentile(d, 0.5),
       percentile_approx(dec, 0.5), percentile_approx(dt, 0.5), median(dec), percentile(dec, 0.3)
FROM t GROUP BY k ORDER BY k;

SELECT percentile(x, 0.0), percentile(x, 0.1), percentile(x, 0.25), percentile(x, 0.33), percentile(x, 1.0),
       percentile(x, 0.5, 2), median(x)
FROM range(1, 11) AS r(x);

SELECT percentile_approx(x, 0.5), percentile_approx(x, 0.25), percentile_approx(x, 0.75) FROM VALUES (3), (1), (2), (2) AS v(x);

SELECT percentile(x, 0.5) FROM VALUES (1.0D), (CAST('NaN' AS DOUBLE)), (3D) AS v(x);

SELECT percentile(i, 1.5) FROM t;

SELECT mode(x), mode(s) FROM VALUES (1, 'a'), (2, 'b'), (2, 'b'), (3, 'c') AS v(x, s);

SELECT mode(x) FROM VALUES (NULL), (NULL), (1) AS v(x);

SELECT mode(x) FROM VALUES (CAST(NULL AS INT)) AS v(x);

SELECT regr_count(i, d), regr_avgx(i, d), regr_avgy(i, d), regr_avgx(dec, dec), regr_count(dec, i) FROM t;

SELECT k, sum(i) FILTER (WHERE d > 8), count(*) FILTER (WHERE s = 'a'), avg(i) FILTER (WHERE b) FROM t GROUP BY k ORDER BY k;

SELECT count(DISTINCT s) FILTER (WHERE k = 1), max_by(s, i) FILTER (WHERE i < 3) FROM t;

SELECT k, sum(i), sum(i) FILTER (WHERE i > 1) FROM t GROUP BY k ORDER BY k;

-- any_value: Spark returns the first value it meets
SELECT k, any_value(v) FROM VALUES (1, 10), (1, 11), (2, 20) AS t(k, v) GROUP BY k ORDER BY k;
