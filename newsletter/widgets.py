from django import forms
from django_prose_editor.widgets import AdminProseEditorWidget


class RichTextWidget(AdminProseEditorWidget):
    """The prose editor in admin, loaded from same-origin files only (see prose-editor.js)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("preset", "configurable")
        super().__init__(*args, **kwargs)

    @property
    def media(self):
        return forms.Media(
            css={
                "all": [
                    "django_prose_editor/material-icons.css",
                    "django_prose_editor/editor.css",
                    "django_prose_editor/overrides.css",
                    "newsletter/prose-editor.css",
                ]
            },
            js=[forms.Script("newsletter/prose-editor.js", type="module")],
        )
