"""The core's models, under the app label ``parkparty`` (Django imports ``<app>.models``); defined in parkparty.core."""

from parkparty.core.models import *  # noqa: F403
