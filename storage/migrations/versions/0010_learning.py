"""case outcomes (resolution level, fix, times), figures per problem signature, known fixes

Revision ID: 0010_learning
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_learning"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_outcomes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("resolution_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("signature", sa.String(300), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("pattern", sa.String(120), nullable=False),
        sa.Column("service", sa.String(120), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("fix_key", sa.String(120), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("failed_fix_keys", sa.Text(), nullable=False),
        sa.Column("inferred", sa.Boolean(), nullable=False),
        sa.Column("stated_level", sa.String(16), nullable=True),
        sa.Column("question_ts", sa.String(32), nullable=True),
        sa.Column("stated_fix", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_to_resolution_s", sa.Integer(), nullable=False),
        sa.Column("time_to_first_useful_s", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", name="uq_case_outcome_case"),
    )
    op.create_index("ix_case_outcomes_signature", "case_outcomes", ["signature"])
    op.create_index("ix_case_outcomes_resolved_at", "case_outcomes", ["resolved_at"])
    op.create_table(
        "pattern_stats",
        sa.Column("signature", sa.String(300), primary_key=True),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("pattern", sa.String(120), nullable=False),
        sa.Column("service", sa.String(120), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("l1", sa.Integer(), nullable=False),
        sa.Column("l2", sa.Integer(), nullable=False),
        sa.Column("l3", sa.Integer(), nullable=False),
        sa.Column("escalated", sa.Integer(), nullable=False),
        sa.Column("successes", sa.Integer(), nullable=False),
        sa.Column("success_low", sa.Float(), nullable=False),
        sa.Column("success_high", sa.Float(), nullable=False),
        sa.Column("mean_resolution_s", sa.Float(), nullable=True),
        sa.Column("median_resolution_s", sa.Float(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )

    op.create_table(
        "known_fixes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("signature", sa.String(300), nullable=False),
        sa.Column("fix_key", sa.String(120), nullable=False),
        sa.Column("fix_text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("successes", sa.Integer(), nullable=False),
        sa.Column("trials", sa.Integer(), nullable=False),
        sa.Column("evidence_json", sa.Text(), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(32), nullable=True),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("card_ts", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("signature", "fix_key", name="uq_known_fix"),
    )
    op.create_index("ix_known_fixes_signature", "known_fixes", ["signature"])
    op.create_index("ix_known_fixes_status", "known_fixes", ["status"])
    op.create_table(
        "known_fix_uses",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "known_fix_id", sa.Integer(), sa.ForeignKey("known_fixes.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", name="uq_known_fix_use_case"),
    )
    op.create_index("ix_known_fix_uses_known_fix_id", "known_fix_uses", ["known_fix_id"])


def downgrade() -> None:
    op.drop_table("known_fix_uses")
    op.drop_table("known_fixes")
    op.drop_table("pattern_stats")
    op.drop_index("ix_case_outcomes_resolved_at", table_name="case_outcomes")
    op.drop_index("ix_case_outcomes_signature", table_name="case_outcomes")
    op.drop_table("case_outcomes")
