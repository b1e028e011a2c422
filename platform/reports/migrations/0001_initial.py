import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MonthlyReportMail",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(help_text="Its first day.", verbose_name="month")),
                ("language", models.CharField(blank=True, max_length=16, verbose_name="language")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recipient",
                    ),
                ),
            ],
            options={
                "verbose_name": "monthly report mail",
                "verbose_name_plural": "monthly report mails",
                "default_permissions": (),
                "permissions": [("view_reports", "Can view the reports")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("month", "recipient"), name="one_monthly_report_per_recipient"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DailyCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("metric", models.CharField(max_length=32)),
                ("key", models.CharField(blank=True, max_length=64)),
                ("day", models.DateField()),
                ("count", models.PositiveIntegerField()),
            ],
            options={
                "default_permissions": (),
                "indexes": [
                    models.Index(fields=["metric", "day"], include=("key", "count"), name="daily_count_by_day")
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("metric", "key", "day"), name="one_daily_count")
                ],
            },
        ),
    ]
