from . import crisis_social_source
