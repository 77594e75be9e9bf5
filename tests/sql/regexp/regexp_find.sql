-- regexp_count, regexp_substr, regexp_instr (expected output: tests/sql/gen_expected.py)
-- (two-argument regexp_instr is aliased: Spark names it regexp_instr(s, p, 0), a
-- default argument expr/name.c does not print yet)
SELECT regexp_count('1a 2b 14m', '\\d+'), regexp_count('abc', ''), regexp_count('aaa', 'a*'), regexp_count('日本日本', '本');

SELECT regexp_count(null, 'abc'), regexp_count('abc', null), regexp_count(123, 2);

SELECT regexp_count('abc', '(');

SELECT regexp_substr('1a 2b 14m', '\\d{2}(a|b|m)'), regexp_substr('日本b', '本.'), regexp_substr('abc', 'x*'), regexp_substr(123, '2');

SELECT regexp_substr('1a 2b 14m', ''), regexp_substr(null, '.*'), regexp_substr('Spark', null);

SELECT regexp_substr('abc', '[');

SELECT regexp_instr('1a 2b 14m', '\\d{2}(a|b|m)') AS i1, regexp_instr('abc', 'x') AS i2, regexp_instr('日本b', 'b') AS i3, regexp_instr('abc', '') AS i4, regexp_instr('𝄞b', 'b') AS i5;

SELECT regexp_instr('1a 2b 14m', '(\\d+)([a-z]+)', 2), regexp_instr('abc', 'b', -1), regexp_instr('abc', 'b', null), regexp_instr(1212, 2) AS i4;

SELECT regexp_instr('abc', col0, 1) FROM VALUES(') ?') AS t(col0);

SELECT s, p, regexp_count(s, p), regexp_substr(s, p), regexp_instr(s, p) AS i
FROM VALUES ('aXbXc', 'X'), ('aXbXc', 'b.'), ('abc', '^'), ('x', NULL), (NULL, 'x') AS t(s, p);
