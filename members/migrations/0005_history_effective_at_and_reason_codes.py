"""History rows get ``effective_at`` (when the change takes effect); reasons become codes.

Existing rows: ``effective_at`` = ``history_date`` (which was back-dated to the
survey / admission date until now, so every "as of" figure stays the same), and
a reason stored as a known text (English or its Chinese translation) becomes
its code (``parkparty.core.history.ChangeReason``).
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F

HISTORICAL_MODELS = [
    "historicalapplicant",
    "historicalcommendation",
    "historicaldevelopmentquota",
    "historicalduespayment",
    "historicalmember",
    "historicalmembershipevent",
    "historicalpioneerpost",
]

#: Reason texts stored before reasons were codes → code (a frozen copy of parkparty.core.history.LEGACY_REASON_TEXTS).
LEGACY_REASONS = {
    "换届选举": "election",
    "命名为党建示范点": "demonstration_site",
    "Excel import": "import",
    "Excel 导入": "import",
    "Founded": "founded",
    "已成立": "founded",
    "Dissolved": "dissolved",
    "已撤销": "dissolved",
    "Organization dissolved": "organization_dissolved",
    "党组织已撤销": "organization_dissolved",
    "Deregistered": "deregistered",
    "注销": "deregistered",
    "Membership ended": "membership_ended",
    "党员减少": "membership_ended",
    "Confirmed": "confirmed",
    "预备党员转正": "confirmed",
    "Admitted": "admitted",
    "接收为预备党员": "admitted",
    "Handling started": "handling_started",
    "开始办理": "handling_started",
    "Closed": "closed",
    "已办结": "closed",
    "Rejected": "rejected",
    "不予受理": "rejected",
    "Replaced by a newly uploaded template.": "template_replaced",
    "已被新上传的模板替换。": "template_replaced",
    "Template uploaded.": "template_uploaded",
    "模板已上传。": "template_uploaded",
}


def forwards(apps, schema_editor):
    for name in HISTORICAL_MODELS:
        rows = apps.get_model("members", name).objects
        rows.update(effective_at=F("history_date"))
        for text, code in LEGACY_REASONS.items():
            rows.filter(history_change_reason=text).update(history_change_reason=code)


class Migration(migrations.Migration):
    dependencies = [("members", "0004_text_and_year_validators")]

    operations = [
        migrations.AddField(
            model_name="historicalapplicant",
            name="effective_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="effective at"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalcommendation",
            name="effective_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="effective at"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicaldevelopmentquota",
            name="effective_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="effective at"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalduespayment",
            name="effective_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="effective at"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalmember",
            name="effective_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="effective at"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalmembershipevent",
            name="effective_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="effective at"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalpioneerpost",
            name="effective_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="effective at"),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
