-- Spark's cast functions: type(x) is CAST(x AS type); decimal(x) is decimal(10,0).
SELECT double(1), decimal(1), decimal('3.5'), decimal(2.7), decimal(-2.5), decimal('x');
SELECT decimal(v) + decimal(v) FROM VALUES (1), (41) AS t(v);
