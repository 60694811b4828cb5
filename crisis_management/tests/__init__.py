from . import test_security
from . import test_incident_flow
from . import test_playbook
from . import test_task_followup
from . import test_stakeholder_import
from . import test_crisis_mode
from . import test_crisis_mode_tour
