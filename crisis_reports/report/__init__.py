# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import crisis_report_base
from . import report_situation
from . import report_chronology
from . import report_communication
from . import report_review
from . import report_subject_access
