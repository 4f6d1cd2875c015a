"""Rich text that is sanitised every time it is saved, whoever saves it."""

from django_prose_editor.fields import ProseEditorField

from newsletter.sanitise import sanitise_html

# What the editor offers; newsletter.sanitise allows exactly these tags and no more.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    # Shows and keeps the images placed from the "Images for the text".
    "Image": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
}


class RichTextField(ProseEditorField):
    """HTML edited with django-prose-editor and cleaned by ``sanitise_html`` on every save.

    Cleaning in ``pre_save`` rather than in form validation means admin forms,
    inlines, services and demo loaders all store the same safe HTML.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", EDITOR_EXTENSIONS)
        # Also cleans in form validation, so an editor sees the cleaned text if the form is shown again.
        kwargs.setdefault("sanitize", sanitise_html)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = sanitise_html(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value
