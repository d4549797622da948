-- One database per Django database alias (platform_<alias>). The postgres image runs this
-- once, on first start with an empty data directory, as POSTGRES_USER.
CREATE DATABASE platform_default;
CREATE DATABASE platform_identity;
CREATE DATABASE platform_learning;
CREATE DATABASE platform_reputation;
CREATE DATABASE platform_passport;
CREATE DATABASE platform_governance;
CREATE DATABASE platform_marketplace;
