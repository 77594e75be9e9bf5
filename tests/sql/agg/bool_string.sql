-- Boolean aggregates: a string argument is an error, but ANSI mode casts it implicitly.
SELECT every('true'), bool_or('false'), count_if('true'), every(s), some(s) FROM VALUES ('true'), ('no') t(s);
SET spark.sql.ansi.enabled=true;
SELECT every('true'), bool_or('false'), count_if('true'), every(s), some(s) FROM VALUES ('true'), ('no') t(s);
