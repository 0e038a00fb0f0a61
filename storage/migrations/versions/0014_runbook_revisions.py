"""runbook revisions: why a suggested runbook failed, the v2 drafted from it; when a runbook was reviewed

Revision ID: 0014_runbook_revisions
Revises: 0011_one_head
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_runbook_revisions"
down_revision = "0013_vote_reason"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runbooks") as batch:
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "runbook_revisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "parent_id", sa.Integer(), sa.ForeignKey("runbooks.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "runbook_id", sa.Integer(), sa.ForeignKey("runbooks.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("failure_kind", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence_json", sa.Text(), nullable=False),
        sa.Column("engine", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("card_ts", sa.String(32), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "parent_id", name="uq_revision_case_parent"),
    )
    op.create_index("ix_runbook_revisions_parent_id", "runbook_revisions", ["parent_id"])
    op.create_index("ix_runbook_revisions_runbook_id", "runbook_revisions", ["runbook_id"])


def downgrade() -> None:
    op.drop_index("ix_runbook_revisions_runbook_id", table_name="runbook_revisions")
    op.drop_index("ix_runbook_revisions_parent_id", table_name="runbook_revisions")
    op.drop_table("runbook_revisions")
    with op.batch_alter_table("runbooks") as batch:
        batch.drop_column("reviewed_at")
