-- Point SELECT by primary key on bench_kv (loaded with ids 1..:rows by run.sh).
\set id random(1, :rows)
SELECT id, val, n FROM bench_kv WHERE id = :id;
