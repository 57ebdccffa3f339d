"""Each save of a draft over something live is a numbered draft revision on the history page:
two of them (or one and the live version) can be compared, and one made the draft again, never
live at once."""

import pytest
from django.contrib.auth.models import Permission

from editorial.models import AuditEntry, Draft, DraftRevision, Status
from tests.test_drafts import post
from tests.test_workflow import CHANGE_URL, login, make_user

pytestmark = pytest.mark.django_db

HISTORY = "/admin/news/newsitem/{}/history/"
COMPARE = "/admin/news/newsitem/{}/draft/compare/"
RESTORE = "/admin/news/newsitem/{}/draft/revisions/{}/restore/"


@pytest.fixture
def two_drafts(client, editor, live):
    login(client, editor)
    assert post(client, live, summary="Officers seized 45 kg of heroin.").status_code == 302
    assert post(client, live, summary="Officers seized 47 kg of opium.").status_code == 302
    second, first = DraftRevision.of(live)
    return first, second


def test_each_save_of_a_draft_is_a_numbered_revision_on_the_history_page(client, live, two_drafts):
    first, second = two_drafts
    assert (first.number, second.number, second.previous) == (1, 2, first)
    page = client.get(HISTORY.format(live.pk)).content.decode()
    assert "Draft revisions" in page
    assert f"?older={first.pk}&amp;newer={second.pk}" in page
    assert f"?revision={first.pk}" in page


def test_two_draft_revisions_compare_word_by_word(client, live, two_drafts):
    first, second = two_drafts
    response = client.get(COMPARE.format(live.pk), {"older": first.pk, "newer": second.pk})
    text = response.content.decode()
    assert [str(change["field"]) for change in response.context["changes"]] == ["summary [en]"]
    assert "<del>45</del>" in text and "<ins>47</ins>" in text
    assert "<del>heroin.</del>" in text and "<ins>opium.</ins>" in text
    assert "Draft revision 1" in text and "Draft revision 2" in text

    against_live = client.get(COMPARE.format(live.pk), {"revision": first.pk}).content.decode()
    assert "<del>40</del>" in against_live and "<ins>45</ins>" in against_live


def test_a_revision_of_another_item_or_none_is_a_404(client, live, two_drafts, make_news):
    other = make_news(title="Another story", slug="another-story")
    first, _second = two_drafts
    assert client.get(COMPARE.format(other.pk), {"revision": first.pk}).status_code == 404
    assert client.get(COMPARE.format(live.pk), {"revision": "x"}).status_code == 404
    assert client.post(RESTORE.format(other.pk, first.pk)).status_code == 404


def test_an_earlier_revision_is_made_the_draft_again_and_nothing_goes_live(
    client, live, two_drafts
):
    first, _second = two_drafts
    assert client.get(RESTORE.format(live.pk, first.pk)).status_code == 405
    response = client.post(RESTORE.format(live.pk, first.pk))
    assert response.status_code == 302 and response["Location"] == CHANGE_URL.format(live.pk)
    draft = Draft.of(live)
    assert draft.content["fields"]["summary_en"] == "Officers seized 45 kg of heroin."
    assert draft.state == Status.DRAFT
    assert [revision.number for revision in DraftRevision.of(live)] == [3, 2, 1]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DRAFT_RESTORED).exists()
    live.refresh_from_db()
    assert live.summary == "Officers seized 40 kg of heroin."


def test_who_may_only_view_cannot_restore(client, live, two_drafts):
    first, _second = two_drafts
    viewer = make_user("viewer", "Editors")
    viewer.groups.clear()
    viewer.user_permissions.add(Permission.objects.get(codename="view_newsitem"))
    login(client, viewer)
    assert client.post(RESTORE.format(live.pk, first.pk)).status_code == 403
    assert Draft.of(live).content["fields"]["summary_en"] == "Officers seized 47 kg of opium."


def test_the_revisions_stay_after_the_draft_goes_live(client, live, two_drafts, publisher):
    login(client, publisher)
    applied = Draft.of(live).applied_to(live)
    response = post(client, live, summary=applied.summary, action="publish")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Draft.objects.exists()
    assert len(DraftRevision.of(live)) == 2
    page = client.get(HISTORY.format(live.pk)).content.decode()
    assert "Draft revisions" in page
