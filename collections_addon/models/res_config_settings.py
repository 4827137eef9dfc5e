from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collections_negotiation_journal_id = fields.Many2one(
        related="company_id.collections_negotiation_journal_id", readonly=False
    )
    collections_discount_account_id = fields.Many2one(
        related="company_id.collections_discount_account_id", readonly=False
    )
    collections_discount_credit_note = fields.Boolean(
        related="company_id.collections_discount_credit_note", readonly=False
    )
    collections_protest_journal_id = fields.Many2one(
        related="company_id.collections_protest_journal_id", readonly=False
    )
    collections_protest_cost_account_id = fields.Many2one(
        related="company_id.collections_protest_cost_account_id", readonly=False
    )
    collections_bank_max_age_days = fields.Integer(related="company_id.collections_bank_max_age_days", readonly=False)
    collections_hold_review_days = fields.Integer(related="company_id.collections_hold_review_days", readonly=False)
    collections_release_letter_days = fields.Integer(
        related="company_id.collections_release_letter_days", readonly=False
    )
    collections_score_lookback_days = fields.Integer(
        related="company_id.collections_score_lookback_days", readonly=False
    )
    collections_score_neutral = fields.Integer(related="company_id.collections_score_neutral", readonly=False)
    collections_score_late_day_points = fields.Float(
        related="company_id.collections_score_late_day_points", readonly=False
    )
    collections_score_max_late_points = fields.Float(
        related="company_id.collections_score_max_late_points", readonly=False
    )
    collections_score_reminder_points = fields.Float(
        related="company_id.collections_score_reminder_points", readonly=False
    )
    collections_score_promise_points = fields.Float(
        related="company_id.collections_score_promise_points", readonly=False
    )
    collections_score_dispute_points = fields.Float(
        related="company_id.collections_score_dispute_points", readonly=False
    )
    collections_score_protest_points = fields.Float(
        related="company_id.collections_score_protest_points", readonly=False
    )
    collections_whatsapp_api_url = fields.Char(
        related="company_id.collections_whatsapp_api_url", readonly=False, groups="base.group_system"
    )
    collections_whatsapp_phone_number_id = fields.Char(
        related="company_id.collections_whatsapp_phone_number_id", readonly=False, groups="base.group_system"
    )
    collections_whatsapp_token = fields.Char(
        related="company_id.collections_whatsapp_token", readonly=False, groups="base.group_system"
    )
    collections_whatsapp_app_secret = fields.Char(
        related="company_id.collections_whatsapp_app_secret", readonly=False, groups="base.group_system"
    )
    collections_whatsapp_verify_token = fields.Char(
        related="company_id.collections_whatsapp_verify_token", readonly=False, groups="base.group_system"
    )
    collections_whatsapp_webhook_url = fields.Char(compute="_compute_collections_whatsapp_webhook_url")

    def _compute_collections_whatsapp_webhook_url(self):
        for settings in self:
            settings.collections_whatsapp_webhook_url = settings.get_base_url() + "/collections/whatsapp/webhook"
