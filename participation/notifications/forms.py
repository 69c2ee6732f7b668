from flask_wtf import FlaskForm
from wtforms import RadioField

from .categories import CATEGORY_HINTS, CATEGORY_LABELS, CHANNEL_LABELS, CHANNELS_OF, Category


def preferences_form(categories, settings, formdata=None) -> FlaskForm:
    """One group of radio buttons per category this person can hear of."""

    class PreferencesForm(FlaskForm):
        pass

    for category in categories:
        choices = [(c.value, CHANNEL_LABELS[c]) for c in CHANNELS_OF[Category(category)]]
        field = RadioField(
            CATEGORY_LABELS[category],
            choices=choices,
            default=settings.channel(category),
            description=CATEGORY_HINTS[category],
            validate_choice=True,
        )
        setattr(PreferencesForm, category.value, field)
    return PreferencesForm(formdata=formdata) if formdata is not None else PreferencesForm()
