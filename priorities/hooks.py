"""What a priority's page asks of the apps above priorities (see ``dscp.hooks``).

Each is answered by the app that links its content to a priority; while nothing
answers, the page leaves that section out.
"""

from dscp.hooks import Hook

# The courses on this priority, for "Training on this priority".
courses_for_priority = Hook("priorities.courses_for_priority", default=())
# Trained people and knowledge gained on this priority, for "Impact of training".
impact_for_priority = Hook("priorities.impact_for_priority", default=None)
# Published articles about this priority, for "In the newsletter".
articles_for_priority = Hook("priorities.articles_for_priority", default=())
