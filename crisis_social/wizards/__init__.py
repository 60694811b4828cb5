from . import crisis_social_source_secret
from . import crisis_social_post_dismiss
