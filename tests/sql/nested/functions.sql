-- collection functions
select array_contains(array(1,2), 2), array_contains(array(1,null), 3), array_contains(array(1, 2), null);
select sort_array(array(3,1,null,2)), sort_array(array(3,1,2), false), sort_array(array('b', 'a'));
select array_distinct(array(1,2,1,null,null)), array_min(array(3,1,2)), array_max(array(3,null,2));
select array_join(array('a',null,'b'), ','), array_join(array('a',null,'b'), ',', 'N'), array_join(array(1, 2), '-');
select concat(array(1,2), array(3)), concat(array(1), null), flatten(array(array(1,2), array(3)));
select slice(array(1,2,3,4), 2, 2), slice(array(1,2,3,4), -2, 2), slice(array(1,2,3,4), 5, 2);
select array_position(array(3,2,1), 1), array_position(array(3,2,1), 7), array_remove(array(1,2,1,null), 1);
select arrays_zip(array(1,2), array('a','b','c'));
select map_keys(map(1,'a',2,'b')), map_values(map(1,'a',2,'b')), map_entries(map(1,'a'));
select split('a,b,c', ','), split('aa1cc2ee3', '[1-9]+', 2), split('hello', ''), split('', ''), split('abc', null);
select split('a,b,,', ','), split('a,b,c', ',', 0), split('1a2', '[a-z]', -1);
select regexp_extract_all('1a 2b 14m', '(\\d+)([a-z]+)', 1), regexp_extract_all('1a 2b 14m', '(\\d+)([a-z]+)'), regexp_extract_all('a 2b 14m', '(\\d+)?', 1);
select regexp_extract_all('1a 2b', '\\d+', 1);
