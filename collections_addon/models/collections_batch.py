"""What the scheduled jobs do to a batch of records in a constant number of queries: chatter notes and tasks
created at once, and one savepoint for the whole batch that falls back to one per record when a record fails.

Odoo's own per-record work stays per record: each task assigned to someone else sends them its own
notification (``mail.activity.action_notify``).
"""

import logging
from collections import defaultdict

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class CollectionsBatch(models.AbstractModel):
    _name = "collections.batch"
    _description = "Collections: bulk work of the scheduled jobs"

    @api.model
    def _in_savepoints(self, records, function, what):
        """``function(records)`` in one savepoint; when it fails, ``function(record)`` for each record in its own
        savepoint, so that one record never blocks the others (the failure is logged with ``what``)."""
        if not records:
            return
        try:
            with self.env.cr.savepoint():
                function(records)
            return
        except Exception:
            _logger.info("Collections: %s failed for the batch, retried one record at a time", what, exc_info=True)
        for record in records:
            try:
                with self.env.cr.savepoint():
                    function(record)
            except Exception:
                _logger.exception("Collections: %s of %s failed", what, record)

    @api.model
    def _log_notes(self, notes):
        """Post the notes ``[(record, body)]`` on their records' chatter (as ``message_post`` of a plain text note
        does, without notifying anyone), in one query a model; a record with two notes gets both, in order."""
        rounds = []
        for record, body in notes:
            for batch in rounds:
                if (record._name, record.id) not in batch:
                    break
            else:
                batch = {}
                rounds.append(batch)
            batch[record._name, record.id] = (record, body)
        for batch in rounds:
            for model, records in self._by_model(record for record, _body in batch.values()).items():
                records._message_log_batch(
                    {record.id: body for (name, _id), (record, body) in batch.items() if name == model}
                )

    @api.model
    def _schedule_activities(self, tasks, sudo=False):
        """Create the tasks ``[(record, activity type xmlid, values)]`` (summary, note, user_id, date_deadline...)
        as ``record.activity_schedule`` would, in one ``create``; returns them in the order given.

        ``sudo``: created as the superuser (the job gives tasks to people whose records it may not write)."""
        if not tasks or self.env.context.get("mail_activity_automation_skip"):
            return self.env["mail.activity"]
        Activity = self.env["mail.activity"].sudo() if sudo else self.env["mail.activity"]
        IrModel = self.env["ir.model"]
        types = {xmlid: self.env.ref(xmlid) for xmlid in {xmlid for _record, xmlid, _values in tasks}}
        # Each task shows its record's name: read for all the records at once, not one task at a time.
        for model, records in self._by_model(record for record, _xmlid, _values in tasks).items():
            Activity.env[model].browse(records.ids).mapped("display_name")
        vals_list = []
        for record, xmlid, values in tasks:
            activity_type = types[xmlid]
            vals = {
                "activity_type_id": activity_type.id,
                "summary": values.get("summary") or activity_type.summary,
                "automated": True,
                "note": values.get("note") or activity_type.default_note,
                "date_deadline": values.get("date_deadline") or fields.Date.context_today(record),
                "res_model_id": IrModel._get_id(record._name),
                "res_id": record.id,
                **{key: value for key, value in values.items() if key not in ("summary", "note", "date_deadline")},
            }
            if not vals.get("user_id") and activity_type.default_user_id:
                vals["user_id"] = activity_type.default_user_id.id
            vals_list.append(vals)
        return Activity.create(vals_list)

    @api.model
    def _by_model(self, records):
        """{model name: recordset} of the records of an iterable, in the order given (duplicates once)."""
        ids = defaultdict(dict)
        for record in records:
            ids[record._name][record.id] = True
        return {model: self.env[model].browse(list(model_ids)) for model, model_ids in ids.items()}
