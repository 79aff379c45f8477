"""Which auth method `sfsync init` writes, from the SF_* variables that are set."""

from __future__ import annotations

from sfsync.starter_auth import choose_auth, describe_choice

URL = {"SF_INSTANCE_URL": "https://acme.my.salesforce.com"}


def test_each_method_is_picked_by_its_own_variable() -> None:
    cases = {
        "SF_PRIVATE_KEY_FILE": "jwt",
        "SF_PRIVATE_KEY": "jwt",
        "SF_REFRESH_TOKEN": "refresh_token",
        "SF_SFDX_URL": "sfdx_url",
        "SF_PASSWORD": "password",
        "SF_ACCESS_TOKEN": "session",
    }
    for variable, method in cases.items():
        assert choose_auth(URL | {variable: "x"}).method == method, variable


def test_several_set_pick_the_first_in_order_and_say_what_else_is_set() -> None:
    choice = choose_auth(URL | {"SF_ACCESS_TOKEN": "t", "SF_PASSWORD": "p", "SF_USERNAME": "u"})
    assert choice.method == "password"
    assert "also set: session (SF_ACCESS_TOKEN), --auth picks one" in describe_choice(choice)
    assert choose_auth(URL | {"SF_ACCESS_TOKEN": "t"}, "jwt").method == "jwt"  # --auth wins


def test_nothing_set_is_jwt_with_every_variable_missing() -> None:
    choice = choose_auth({"SF_PASSWORD": ""})  # set but empty counts as not set
    assert (choice.method, choice.missing) == (
        "jwt",
        ("SF_INSTANCE_URL", "SF_USERNAME", "SF_CLIENT_ID", "SF_PRIVATE_KEY_FILE"),
    )
    assert "no SF_* credentials are set" in describe_choice(choice)


def test_password_lines_follow_what_is_set() -> None:
    bare = choose_auth(URL | {"SF_USERNAME": "u", "SF_PASSWORD": "p"})
    assert bare.lines == ["username: ${SF_USERNAME}", "password: ${SF_PASSWORD}"]
    assert "without a security token" in describe_choice(bare)
    oauth = choose_auth(
        URL | {"SF_PASSWORD": "p", "SF_SECURITY_TOKEN": "t", "SF_CLIENT_ID": "k", "SF_CLIENT_SECRET": "s"}
    )
    assert oauth.lines[-3:] == [
        "security_token: ${SF_SECURITY_TOKEN}",
        "client_id: ${SF_CLIENT_ID}",
        "client_secret: ${SF_CLIENT_SECRET}",
    ]
    assert "OAuth username-password flow" in describe_choice(oauth)
    assert "security_token: ${SF_SECURITY_TOKEN}" in choose_auth({}, "password").lines  # nothing set yet


def test_jwt_takes_the_key_itself_when_only_it_is_set() -> None:
    assert choose_auth(URL | {"SF_PRIVATE_KEY": "pem"}).lines[-1] == "private_key: ${SF_PRIVATE_KEY}"
    both = choose_auth(URL | {"SF_PRIVATE_KEY": "pem", "SF_PRIVATE_KEY_FILE": "k.pem"})
    assert both.lines[-1] == "private_key_file: ${SF_PRIVATE_KEY_FILE}"


def test_values_never_reach_the_lines_or_the_message() -> None:
    choice = choose_auth(
        URL | {"SF_USERNAME": "ada@acme.example", "SF_PASSWORD": "hunter2", "SF_SECURITY_TOKEN": "zq9secret"}
    )
    said = describe_choice(choice) + "\n".join(choice.lines)
    assert "hunter2" not in said and "zq9secret" not in said and "ada@acme" not in said
