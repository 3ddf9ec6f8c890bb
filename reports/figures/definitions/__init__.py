"""Every figure of FIGURES.md, defined once, one module per FIGURES.md group.

Importing the package registers them. The modules are imported in catalogue order, which is the
order of :data:`reports.figures.core.REGISTRY` (the groups are declared in :mod:`.common`), so the
imports below must not be sorted.
"""

# isort: off
from . import common  # noqa: F401
from . import enterprises  # noqa: F401
from . import organizations  # noqa: F401
from . import members  # noqa: F401
from . import activities  # noqa: F401
from . import requests  # noqa: F401
from . import support  # noqa: F401
from . import probation  # noqa: F401
# isort: on
