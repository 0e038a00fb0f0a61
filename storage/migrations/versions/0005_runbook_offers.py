"""runbook offers on resolved cases

Revision ID: 0005
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runbook_offers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("resolution_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=False),
        sa.Column("offer_ts", sa.String(length=32), nullable=True),
        sa.Column("declined_by", sa.String(length=32), nullable=True),
        sa.Column("runbook_id", sa.Integer(), nullable=True),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["runbook_id"], ["runbooks.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id"),
    )
    with op.batch_alter_table("runbook_offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_runbook_offers_runbook_id"), ["runbook_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("runbook_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_runbook_offers_runbook_id"))
    op.drop_table("runbook_offers")
