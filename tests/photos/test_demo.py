"""`flask demo` draws a few landscapes once and puts one or two on every fourth idea."""

from collections import Counter

from participation.photos.models import IdeaPhoto
from tests.factories import count_rows
from tests.helpers import main_of
from tests.photos import images
from tests.photos.conftest import all_photos, stored_files


def test_demo_ideas_get_drawn_photos_with_descriptions(runner, client, photo_folder):
    result = runner.invoke(args=["demo", "--ideas", "12", "--users", "5"])

    assert result.exit_code == 0, result.output
    assert "Fotos zeichnen" in result.output and "Fotos zu Ideen gezeichnet." in result.output
    photos = all_photos()
    per_idea = Counter(photo.idea_id for photo in photos)
    assert len(per_idea) == 3 and set(per_idea.values()) <= {1, 2}
    assert all(photo.description.startswith("Zeichnung: ") for photo in photos)
    assert len({photo.key for photo in photos}) == len(photos)
    assert len(stored_files(photo_folder)) == sum(len(photo.sizes) for photo in photos)
    public = [photo for photo in photos if client.get(f"/ideas/{photo.idea_id}").status_code == 200]
    for photo in public[:2]:
        response = client.get(f"/ideas/{photo.idea_id}/fotos/{photo.key}/480.webp")
        images.assert_without_metadata(response.get_data())
    assert "/fotos/" in main_of(client.get("/ideas"))

    runner.invoke(args=["demo", "--ideas", "4", "--users", "2"])
    assert max(Counter(p.idea_id for p in all_photos()).values()) <= 2, "no idea gets more"
    assert count_rows(IdeaPhoto) > len(photos)
