# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import page
from . import main
from . import portal
from . import alarm
from . import rpc
from . import report
