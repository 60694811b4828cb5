from . import crisis_log_add
