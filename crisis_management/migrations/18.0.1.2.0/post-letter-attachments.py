# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.2.0: the letter PDFs of a communication belong to its field
``letter_pdf``, which only the crisis team reads (the letters of a safety
check carry everyone's personal answer link, issue 22). Letters printed
before the upgrade were attached to the communication as a whole, readable
by every crisis user: move them to the field."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE ir_attachment
              SET res_field = 'letter_pdf'
            WHERE res_model = 'crisis.communication'
              AND res_field IS NULL
              AND id IN (SELECT letter_attachment_id
                           FROM crisis_communication_recipient
                          WHERE letter_attachment_id IS NOT NULL)"""
    )
