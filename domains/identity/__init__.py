"""Identity: users and their accounts. Its database also holds Django's auth, admin,
sessions and contenttypes tables, because their foreign keys point at users."""
