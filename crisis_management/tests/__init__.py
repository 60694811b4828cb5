from . import test_security
from . import test_crisis_log
from . import test_inquiry
from . import test_situation
