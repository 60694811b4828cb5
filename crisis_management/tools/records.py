# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Small ORM helpers shared by the crisis models."""


def count_by(records, model, field, domain=()):
    """``{record: how many}``: the ``model`` records whose many2one ``field``
    (or many2many) is one of ``records`` and that match ``domain``, counted
    in one query with the caller's rights. A record with none is missing:
    ``counts.get(record, 0)``."""
    return dict(
        records.env[model]._read_group(
            [(field, "in", records.ids), *domain], [field], ["__count"]
        )
    )
