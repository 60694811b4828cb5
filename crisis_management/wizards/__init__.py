from . import crisis_log_add
from . import crisis_incident_report
from . import crisis_readiness
from . import crisis_incident_shift_end
from . import crisis_config_settings
from . import crisis_communication_send
