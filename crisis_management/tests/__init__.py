from . import test_security
from . import test_incident_update
from . import test_public_page
