"""What the browser tests share: the password their users get, and signing in through the login form."""

PASSWORD = "Browser-test-2026"


def sign_in(page, live_server, user) -> None:
    """Sign ``user`` (whose password is ``PASSWORD``) in through the login form; wait until their home has loaded."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    # Signed in: each role lands on its home (its dashboard).
    page.wait_for_url(lambda url: url.startswith(live_server.url) and "/login/" not in url)
    page.wait_for_load_state("networkidle")
