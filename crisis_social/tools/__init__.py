# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers of crisis_social that are not models: the fetchers of the
networks (with the address guard), the offline sentiment and the matching
of posts to queries."""

from . import fetchers, sentiment
from .matching import (
    bad_text_field,
    check_storable,
    is_text,
    match_queries,
    normalize_handle,
    parse_date,
    parse_terms,
    strip_html,
    terms_regex,
)
