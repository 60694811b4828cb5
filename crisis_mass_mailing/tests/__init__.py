from . import test_marketing_freeze
