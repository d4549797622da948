"""How much work a web process takes on at once, and how long a request may last
(``common.shedding``)."""

from config.env import read

#: Requests running application code at once in one process (0: no limit). Below the
#: web server's threads (``WEB_THREADS``), so probes and refusals always find a thread.
WEB_MAX_CONCURRENT_REQUESTS = read("WEB_MAX_CONCURRENT_REQUESTS", "int", 6)
#: Requests that may wait for a slot; beyond, 503 at once.
WEB_QUEUE_SIZE = read("WEB_QUEUE_SIZE", "int", 8)
#: How long a request may wait for a slot before it is refused.
WEB_QUEUE_WAIT_MS = read("WEB_QUEUE_WAIT_MS", "int", 500)
#: What a refused client is told to wait (Retry-After, rounded up to whole seconds).
WEB_RETRY_AFTER_MS = read("WEB_RETRY_AFTER_MS", "int", 1000)
#: A request's database work stops (rolls back) after this many seconds; below the
#: clients' and the load balancer's timeouts (30 s), so nobody gets a timeout for a
#: write that was committed anyway. 0: no deadline.
REQUEST_DEADLINE_SECONDS = read("REQUEST_DEADLINE_SECONDS", "float", 25.0)
