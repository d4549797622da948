"""The password hasher: Argon2id with parameters chosen for a login endpoint.

Django's defaults (time cost 2, 100 MiB, parallelism 8) took about half a second per
verify on the 2-core machines here (``bench/token_verification.py``): a handful of
login attempts would saturate a process. The defaults below are OWASP's first
recommended Argon2id configuration (19 MiB, 2 iterations, parallelism 1), set from the
environment (``ARGON2_*``). Stored hashes carry their parameters; a hash made with
other ones is rehashed at the member's next successful login (Django's
``must_update``), so changing them needs no migration.
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class PlatformArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = settings.ARGON2_TIME_COST
    memory_cost = settings.ARGON2_MEMORY_KIB
    parallelism = settings.ARGON2_PARALLELISM
