-- array / map / struct constructors, their types, names and spark-sql text forms
select array(1,2,3), array(), array(null), array(1, null), array('a','b');
select array(1, 2L), array(1, 1.5), array(1, 'a'), array(array(1), array(2, 3));
select map(1,'a',2,'b'), map(), map('a', 1.5), map(1, 'a', 2L, 'b');
select map(1, 'a', 1, 'b');
select map(null, 1);
select named_struct('a', 1, 'b', 'x'), struct(1, 'x');
select struct(id, name), struct(id + 1 as k, name) from values (1,'q') as t(id,name);
select named_struct('a', 1.5, 'b', date'2020-01-01', 'c', 'x'), array(1.0D, 2.5D);
select map_from_arrays(array(1,2), array('a','b'));
select typeof(array(1)), typeof(map(1,'a')), typeof(named_struct('a', 1));
select * from values (array(1, 2, 3), array(array(1, 2, 3))), (array(2, 3, 4), array(array(2, 3, 4))) as t(a, n);
select * from values (map(1, 'a1', 2, 'b1')), (map(1, 'a5')) as t(m);
