"""How long a free text may be: every TextField of the portal takes one of these.

The form shows the limit and counts (templates/dsfr_crispy/field.html) and refuses
more with a clear message; DATA_UPLOAD_MAX_MEMORY_SIZE caps a whole form far above.
"""

# A part of a dossier or a report: several pages of text.
LONG_TEXT = 20_000
# A reason, a comment, a message, a question.
SHORT_TEXT = 5_000
# A postal address.
ADDRESS = 1_000
