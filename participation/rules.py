"""A broken rule, said in German for the person, and the form field it belongs to.

Services raise it (or a feature's subclass); views hand it to `forms.attach_error`,
which puts the message next to that field, or at the top of the page.
"""


class RuleError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
