from tests.factories import create_user, link_from, outbox


def test_register_confirm_login(browser):
    response = browser.submit(
        "/register",
        {
            "kind": "resident",
            "email": "Anna@Example.org",
            "display_name": "Anna M.",
            "password": "ein langes Passwort",
            "password_confirm": "ein langes Passwort",
            "municipality": "0",
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Fast geschafft" in response.get_data(as_text=True)
    [mail] = outbox("Anna@Example.org")
    response = browser.get(link_from(mail, "/confirm/"), follow_redirects=True)
    assert "bestätigt" in response.get_data(as_text=True)
    response = browser.submit(
        "/login",
        {"email": "anna@example.org", "password": "ein langes Passwort"},
        follow_redirects=True,
    )
    assert "Mein Konto" in response.get_data(as_text=True)


def test_user_factory(browser):
    user = create_user()
    response = browser.login(user.email)
    assert response.status_code == 302
