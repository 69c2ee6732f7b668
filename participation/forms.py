"""Shared form pieces: German messages and input cleanup."""

from wtforms.validators import DataRequired, Length, ValidationError


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


def required(message: str) -> DataRequired:
    return DataRequired(message=message)


def length(min_len: int = -1, max_len: int = -1, label: str = "Die Eingabe") -> Length:
    if min_len > 0 and max_len > 0:
        message = f"{label} muss zwischen {min_len} und {max_len} Zeichen lang sein."
    elif min_len > 0:
        message = f"{label} muss mindestens {min_len} Zeichen lang sein."
    else:
        message = f"{label} darf höchstens {max_len} Zeichen lang sein."
    return Length(min=min_len, max=max_len, message=message)


class NoControlCharacters:
    """Rejects invisible control characters that only confuse readers and moderators."""

    def __call__(self, form, field):
        if any(ord(char) < 32 and char not in "\n\r\t" for char in field.data or ""):
            raise ValidationError("Die Eingabe enthält unzulässige Steuerzeichen.")
