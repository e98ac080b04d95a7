-- One single-row INSERT per transaction (autocommit): acknowledged only once it is durable.
-- Random 63-bit keys: a collision over a few million inserts has a probability of ~1e-6.
\set id random(1, 9000000000000000000)
INSERT INTO bench_insert (id, client, payload) VALUES (:id, :client_id, 'pgbench insert payload, 40 bytes long..');
