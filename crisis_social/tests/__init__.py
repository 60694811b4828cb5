from . import test_security
from . import test_ingest
from . import test_webhook
from . import test_sentiment
from . import test_spikes
from . import test_fetchers
from . import test_answer
from . import test_situation_dashboard
