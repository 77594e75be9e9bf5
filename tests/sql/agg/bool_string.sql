-- Boolean aggregates cast string arguments implicitly.
SELECT every('true'), bool_or('false'), count_if('true'), every(s), some(s) FROM VALUES ('true'), ('no') t(s);
