"""Django settings, split by concern; this module only assembles them.

Every value comes from the environment with a safe default for the embedded run
(documented in ``.env.example``); a bad value stops start-up with the variable's name.
"""

from config.settings.api import *  # noqa: F403
from config.settings.capacity import *  # noqa: F403
from config.settings.core import *  # noqa: F403
from config.settings.data import *  # noqa: F403
from config.settings.eventbus import *  # noqa: F403
from config.settings.gateway import *  # noqa: F403
from config.settings.governance import *  # noqa: F403
from config.settings.identity import *  # noqa: F403
from config.settings.learning import *  # noqa: F403
from config.settings.marketplace import *  # noqa: F403
from config.settings.observability import *  # noqa: F403
from config.settings.passport import *  # noqa: F403
from config.settings.reputation import *  # noqa: F403
from config.settings.security import *  # noqa: F403
from config.settings.tasks import *  # noqa: F403
from config.settings.tls import *  # noqa: F403
