-- tinyint, smallint and float: literals, casts, coercion, arithmetic, aggregates, printing
select 1Y, 1S, 1F, 1.5F, typeof(1Y), typeof(1S), typeof(1F), typeof(1e10F);
select cast(' 1' as tinyint), cast('1000' as tinyint), cast(1000 as tinyint), cast(3e9 as tinyint), cast(-40000 as smallint), cast('32767' as smallint), cast('32768' as short);
select cast(1.1 as float), cast('1.1' as float), cast(1e10 as float), cast(1.1F as string), cast(1e10F as string), cast(cast(0.1 as float) as double), cast(1e-5F as string), cast(123456789F as string);
select cast(3.5F as decimal(10,5)), cast(1.1F as decimal(10,9)), cast(1Y as timestamp), cast(1.5F as int), cast(1.5F as timestamp), cast(true as tinyint), cast(1Y as boolean);
select cast(127 as tinyint) + cast(1 as tinyint), cast(-32768 as smallint) - 1S, 100Y * 3Y, -(-128Y), 7Y % 3Y, pmod(-7Y, 3Y), 7Y div 2Y, 7Y / 2Y;
select typeof(1Y + 1S), typeof(1Y * 1), typeof(1F + 1), typeof(1F + 1L), typeof(1F + 1D), typeof(1F / 1F), typeof(1F + 1.5BD), typeof(1Y + 1.5BD), typeof(1S + 1.5BD), typeof(1Y div 1Y), typeof(-1Y), typeof(1F % 2F), typeof(1Y + '1'), typeof(1F + '1');
select 1.1F + 2.2F, 0.1F * 3F, 1F / 3F, 16777217F, 1Y = '1', 2S > 1Y, 1.1F = 1.1, 1.1F = cast(1.1 as float);
select typeof(coalesce(1Y, 1S)), typeof(coalesce(1F, 1)), typeof(coalesce(1F, 1L)), typeof(coalesce(1Y, 1.5BD)), typeof(coalesce(1F, 1.5BD)), typeof(if(true, 1Y, 1S)), typeof(case when true then 1S else 1F end);
select sum(a), avg(a), min(a), max(a), typeof(sum(a)), typeof(avg(a)), typeof(min(a)), typeof(sum(f)), typeof(avg(f)), sum(f), max(f), typeof(max(f)) from (select cast(id as tinyint) a, cast(id as float) + 0.1F f from range(5));
select hash(1Y), hash(1S), hash(1.5F), hash(-0.0F), hash(0.0F), hash(cast('NaN' as float));
select a, count(*) from values (cast(1 as tinyint)), (cast(1 as tinyint)), (cast(2 as tinyint)) as t(a) group by a order by a;
select f from values (cast('NaN' as float)), (1.5F), (-0.0F), (cast('-Infinity' as float)) as t(f) order by f;
select a from values (1Y), (2Y) as t(a) union all select 300S order by 1;
