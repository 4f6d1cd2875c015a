"""The search page's plain-English messages, in one place."""

MAX_QUERY_LENGTH = 200

MESSAGES = {
    "query_too_long": f"Search for {MAX_QUERY_LENGTH} characters or fewer.",
}
