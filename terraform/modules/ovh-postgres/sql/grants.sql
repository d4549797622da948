-- As the migration role (the schema owner), idempotent: the application role reads and
-- writes rows (DML) and uses sequences, nothing else: no CREATE, ALTER, DROP, TRUNCATE,
-- REFERENCES or TRIGGER. Default privileges give the same rights on every table a later
-- migration creates, so the migration Job needs no step of its own. psql variable: app.
\set ON_ERROR_STOP on
GRANT USAGE ON SCHEMA public TO :"app";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO :"app";
