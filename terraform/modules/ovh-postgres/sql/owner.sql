-- Once per database, right after the first apply, as the cluster's admin user (avnadmin:
-- the OVHcloud API creates users but sets no grants). psql variables: database, migrator,
-- app (docs/runbooks/first-apply.md runs it; tests/infra/test_database_grants.py too).
--
-- The migration role becomes the database's owner, and so (PostgreSQL 15+: the schema
-- belongs to pg_database_owner) the owner of schema public: migrations create, alter and
-- drop tables there. Nobody else may create anything; the application role may connect.
\set ON_ERROR_STOP on
GRANT :"migrator" TO CURRENT_USER;
ALTER DATABASE :"database" OWNER TO :"migrator";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"app";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE :"migrator" FROM CURRENT_USER;
