"""Who may block whom follows the role order: moderators block residents only, blocking
staff is an admin's job, nobody blocks themselves or the last admin who can still act."""

import pytest

from tests.factories import create_idea, create_user, find_user
from tests.helpers import main_of
from tests.moderation.helpers import post

ROLES = {
    "resident": (),
    "municipal moderator": ("moderator:rheine",),
    "district moderator": ("moderator",),
    "committee": ("committee",),
    "team": ("team",),
    "admin": ("admin",),
}
# actor -> the targets they may block; every other pair is refused.
MAY_BLOCK = {
    "resident": set(),
    "municipal moderator": set(),
    "committee": set(),
    "team": set(),
    "district moderator": {"resident"},
    "admin": set(ROLES),  # the target "admin" is a second admin; the last one: see below
}


def _block(browser, target):
    url = f"/moderation/users/{target.id}/block"
    return post(
        browser, url, {"template": "0", "reason": "Prüfung der Sperrrechte"}, page="/account"
    )


@pytest.mark.parametrize("actor_role", list(ROLES))
def test_block_matrix(actor_role, as_user):
    actor = create_user(roles=ROLES[actor_role], display_name=f"Handelnd {actor_role}")
    if actor_role != "admin":
        create_user(roles=("admin",), display_name="Die einzige Administration")
    browser = as_user(actor)
    for target_role, roles in ROLES.items():
        target = create_user(roles=roles, display_name=f"Ziel {target_role}")
        response = _block(browser, target)
        blocked = find_user(target.email).is_blocked
        if target_role in MAY_BLOCK[actor_role]:
            assert response.status_code == 302 and blocked, f"{actor_role} blocks {target_role}"
        else:
            assert response.status_code == 403 and not blocked, f"{actor_role} ⊘ {target_role}"


def test_a_second_admin_may_be_blocked_but_never_the_last_one(as_user):
    first = create_user(roles=("admin",), display_name="Erste Administration")
    second = create_user(roles=("admin",), display_name="Zweite Administration")
    first_browser = as_user(first)

    assert _block(first_browser, second).status_code == 302
    assert find_user(second.email).is_blocked

    district = create_user(roles=("moderator",))
    for browser in (first_browser, as_user(district)):
        response = _block(browser, first)
        assert response.status_code == 403 and not find_user(first.email).is_blocked
    page = main_of(_block(first_browser, first))
    assert "eigenes Konto" in page


def test_a_moderator_is_told_why_staff_cannot_be_blocked_by_them(as_user):
    team_member = create_user(roles=("team",))
    browser = as_user(create_user(roles=("moderator",)))
    response = browser.get(f"/moderation/users/{team_member.id}/block")
    assert response.status_code == 403
    assert "darf nur die Administration" in main_of(response)
    assert 'name="reason"' not in main_of(response)


def test_a_blocked_admin_is_unblocked_by_another_admin_only(as_user):
    acting = create_user(roles=("admin",))
    blocked_admin = create_user(roles=("admin",))
    browser = as_user(acting)
    assert _block(browser, blocked_admin).status_code == 302
    district = create_user(roles=("moderator",))
    refused = post(
        as_user(district), f"/moderation/users/{blocked_admin.id}/unblock", page="/account"
    )
    assert refused.status_code == 403 and find_user(blocked_admin.email).is_blocked
    done = post(browser, f"/moderation/users/{blocked_admin.id}/unblock", page="/account")
    assert done.status_code == 302 and not find_user(blocked_admin.email).is_blocked


def test_a_district_moderator_sees_no_block_button_for_staff(as_user):
    team_member = create_user(roles=("team",))
    resident = create_user()
    staff_idea = create_idea(team_member, state="pending")
    resident_idea = create_idea(resident, state="pending")
    browser = as_user(create_user(roles=("moderator",)))
    assert "/block" not in main_of(browser.get(f"/moderation/ideas/{staff_idea.id}"))
    assert f"/moderation/users/{resident.id}/block" in main_of(
        browser.get(f"/moderation/ideas/{resident_idea.id}")
    )
