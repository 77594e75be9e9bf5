-- casts, comparisons, conditionals, grouping and ordering on nested values
select cast(array(1,2) as string), cast(map('a',1,'b',null) as string), cast(named_struct('a',1,'b','abc') as string), cast(array(null, 'x') as string), cast(struct(null, 1) as string);
select cast(array(1,2) as array<string>), cast(array('1','x') as array<int>), cast(named_struct('a', '1') as struct<a:int>);
select coalesce(null, array(1)), if(true, array(1), array(2)), case when false then map(1, 2) else map(3, 4) end;
select array(1) = array(1), array(1,2) < array(1,3), array(1) < array(1, 0), named_struct('a',1) = named_struct('a',1), named_struct('a', 1, 'b', 2) > named_struct('a', 1, 'b', 1);
select a, count(*) from values (array(1,2)), (array(1,2)), (array(1)), (null) as t(a) group by a order by a;
select s, count(*) from values (named_struct('x', 1, 'y', 'a')), (named_struct('x', 1, 'y', 'a')), (named_struct('x', 0, 'y', 'b')) as t(s) group by s order by s desc;
select distinct a from values (array(1)), (array(1)), (array(2)) as t(a) order by a;
select a from values (array(2, 1)), (array(1, 5)), (array(1)), (array(null)) as t(a) order by a;
select x.k, y.v from values (array(1), 'l') as x(k, l) join values (array(1), 'r') as y(k, v) on x.k = y.k;
