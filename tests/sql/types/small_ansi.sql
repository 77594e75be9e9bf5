--SET spark.sql.ansi.enabled=true
-- ANSI mode: overflow and malformed input are errors
select cast(1000 as tinyint);
select cast('1000' as tinyint);
select cast(1000S as tinyint);
select cast(3e9 as smallint);
select cast('x' as float);
select cast(1e10F as int);
select cast(100 as tinyint), cast('12' as smallint), cast(1.5F as int);
