# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_security
from . import test_report_pdf
from . import test_report_access
from . import test_log_anchor
from . import test_print_tour
from . import test_http_input
