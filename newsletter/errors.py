"""The newsletter's one error type, with every plain-English message in one place."""

from dscp.errors import DomainError

MESSAGES = {
    "already_published": "This issue is already published.",
    "not_published": "This issue is not published, so there is nothing to unpublish.",
    "publish_empty": "Add at least one article before publishing this issue.",
    "publish_inaccessible": "Not published: fix the {problems} listed under “Accessibility check” "
    "on the issue's page first, so every reader can use the issue.",
    "upload_too_large": "The file must be smaller than {limit} MB. This one is {size} MB.",
    "upload_wrong_type": "The file must be {allowed}. This one is not.",
    "upload_content_mismatch": "The file's contents do not match its name. Save it again as {allowed} and upload it.",
    "image_needs_alt": "Describe the image for people who cannot see it (alternative text).",
    "image_in_use": "The image “{image}” cannot be deleted: it is still placed in {texts}. "
    "Remove it from there first, then delete it.",
    "alt_without_image": "Remove the alternative text, or upload the image it describes.",
    "resource_file_and_url": "Upload a file or give a web address, not both.",
    "link_text_without_url": "Give the web address of the “find out more” link, or remove its text.",
    "issue_slug_taken": "Another issue already uses this web address. Choose a different one.",
    "article_slug_taken": "Another article in this issue already uses this web address. Choose a different one.",
    "issue_slug_reserved": "“{slug}” is part of the newsletter's own web addresses. Choose a different one.",
    "article_slug_reserved": "“{slug}” is already used on every issue page. Choose a different one.",
    "section_slug_taken": "Another section already uses this web address. Choose a different one.",
    "send_unpublished": "Publish the issue before sending it, so the “view on the website” link works.",
    "send_no_lists": "Choose at least one mailing list to send to.",
    "send_in_the_past": "Choose a time in the future, or send now.",
    "send_not_running": "This send is not running, so it cannot be paused.",
    "send_not_paused": "This send is not paused, so there is nothing to resume.",
    "send_finished": "This send has already finished or been cancelled.",
    "send_no_test_addresses": "Enter at least one email address for the test.",
    "busy": "Someone else is changing this issue right now. Wait a moment and try again.",
}


class NewsletterError(DomainError):
    """A rule of the newsletter was broken; ``message`` says which in plain English."""

    messages = MESSAGES
