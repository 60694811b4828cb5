from . import crisis_stakeholder_type
from . import crisis_incident_type
from . import res_company
from . import res_partner
from . import crisis_incident
from . import crisis_incident_member
from . import crisis_log
