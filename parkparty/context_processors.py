"""Template context shared by every page."""

from parkparty.scoping import scope_for


def scope(request) -> dict:
    """The signed-in user's scope, so templates can hide edit controls for read-only roles."""
    user = getattr(request, "user", None)
    return {"user_scope": scope_for(user)}
