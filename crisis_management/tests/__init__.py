from . import test_security
from . import test_message
from . import test_consent
from . import test_communication
from . import test_safety_check
