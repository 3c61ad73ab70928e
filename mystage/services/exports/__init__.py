"""« Exporter »: xlsx files of offers, applications, REP/REP+ schools and statistics.

Kinds (:data:`EXPORT_KINDS`) and who may ask for them:

========================  =====================================================  ==========
kind                      content                                                viewers
========================  =====================================================  ==========
``offers``                offers (seed 003 columns + sector, places left, state, référents,
                          weeks, applications)                                   admins;
                                                                                 employers
                                                                                 (their own)
``applications``          applications (seed 003 « Détail des candidatures »)   same
``rep_schools``           REP and REP+ collèges, « inscrits / non inscrits /    référents,
                          tous » (seed 001)                                     admins
``stats_sector``          offers, places, fill rate… by sector (+ off-platform)  same
``stats_structure``       the same by structure type                            same
========================  =====================================================  ==========

Scope: référents and admins get their statistics scope (:func:`stats.scope_for`: one
département, an académie, France, or one ministry's offers in all of France for a
ministry-bound référent central) with the dashboard's filters, clamped the same way (so
the offers, applications and statistics files of a ministry-bound référent hold only that
ministry's offers; the REP/REP+ schools file lists every school, its application counts
only the ministry's offers);
employers and operators get the offers of their structures (active team membership), the
offers they created and, for operators, their association's offers — and only the
applications that reached them (not those still with the school or refused by it).

Columns of the applications file per viewer (data minimisation, seeds 001/003):

- everyone: CANDIDATURE_ID, AVIS_EMPLOYEUR, AVIS_REFERENT, AVIS_ELEVE, ETAT_OFFRE,
  ETAT_CANDIDATURE, DATE_MISE_A_JOUR_CANDIDATURE, SEMAINE, PRENOM, NOM, NIVEAU,
  TELEPHONE and EMAIL (the contact the pupil gave in the application), TYPE_ETABLISSEMENT (COLLEGE or
  LYCEE), NOM_ETABLISSEMENT,
  VILLE, ETABLISSEMENT_PRIORITAIRE, NOM_EMPLOYEUR, TITRE_STAGE, O.ID, PRENOM_REFERENT,
  NOM_REFERENT, EMAIL_REFERENT (the school référent the application was sent to);
- référents and admins also: DATE_CANDIDATURE, GENRE_ELEVE, AGE (on the Monday of the
  internship week), UAI, DEPARTEMENT, SECTEUR — statistics and follow-up of pupils;
- employers never get the pupil's gender or age: hosting a pupil for a week does not need
  them.  ADRESSE (seed 003) is not exported at all: MyStage stores no pupil postal
  address.

Writing (:func:`write_xlsx`): xlsxwriter, header row bold on a light-blue fill and frozen,
autofilter over the data, widths from the column spec, dates and datetimes written as
Excel dates (``jj/mm/aaaa`` / ``jj/mm/aaaa hh:mm``, Paris time), text never turned into
formulas or links.  Rows stream from one SQL query (``yield_per``: a server-side cursor on
PostgreSQL, ``fetchmany`` batches on SQLite) into a ``constant_memory`` workbook, so a
million rows take the memory of one.

Small exports (:data:`SMALL_LIMIT` rows or fewer, counted first) come back at once as
bytes; larger ones become an :class:`~mystage.models.ExportJob` processed by the job
``exports_run`` (``mystage/jobs/exports.py``): the file is written under
``PRIVATE_DIR/exports/``, ``progress``/``total`` are updated as rows are written, and the
requester gets a mail with ``/api/exports/<token>``, valid :data:`LINK_DAYS` days, which
only the requester (logged in) can open (``mystage/api/exports.py``).
"""

from mystage.services.exports import xlsx
from mystage.services.exports.applications import age_on
from mystage.services.exports.files import (
    TOKEN_RE,
    download_path,
    download_path_of_job,
    export_status,
    exports_dir,
    my_exports,
    purge_expired,
)
from mystage.services.exports.jobs import claim_next, run_job
from mystage.services.exports.kinds import (
    EXPORT_KINDS,
    JOB_STATUS_LABELS,
    MSG_DENIED,
    MSG_EMPTY,
    MSG_FAILED,
    MSG_KIND,
    MSG_REGISTERED,
    NOT_SENT_STATES,
    REGISTERED_FILTERS,
    XLSX_MIME,
    Prepared,
    can_export,
)
from mystage.services.exports.request import (
    SMALL_LIMIT,
    export_for_download,
    prepare,
    request_export,
    small_limit,
)
from mystage.services.exports.xlsx import DATE, INT, TEXT, Col, write_xlsx

__all__ = [
    "Col",
    "DATE",
    "EXPORT_KINDS",
    "INT",
    "JOB_STATUS_LABELS",
    "MSG_DENIED",
    "MSG_EMPTY",
    "MSG_FAILED",
    "MSG_KIND",
    "MSG_REGISTERED",
    "NOT_SENT_STATES",
    "Prepared",
    "REGISTERED_FILTERS",
    "SMALL_LIMIT",
    "TEXT",
    "TOKEN_RE",
    "XLSX_MIME",
    "age_on",
    "can_export",
    "claim_next",
    "download_path",
    "download_path_of_job",
    "export_for_download",
    "export_status",
    "exports_dir",
    "my_exports",
    "prepare",
    "purge_expired",
    "request_export",
    "run_job",
    "small_limit",
    "write_xlsx",
    "xlsx",
]
