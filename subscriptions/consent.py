"""The consent statement people agree to, versioned so every record keeps what was shown.

Change the wording by adding a new version and pointing CURRENT at it; never
edit a version that has been shown, because consent records refer to it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    version: str
    text: str


STATEMENTS = {
    "2024-01": Statement(
        version="2024-01",
        text=(
            "I agree that the Durham Safeguarding Children Partnership may email me the "
            "lists I have chosen. I can unsubscribe at any time with the link in every email. "
            "The privacy notice explains how my details are used and how long they are kept."
        ),
    ),
}
CURRENT = STATEMENTS["2024-01"]
