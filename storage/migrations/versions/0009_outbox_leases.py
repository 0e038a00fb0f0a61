"""outbox leases: a claim expires unless renewed, and a finished job is marked as such

Revision ID: 0009_outbox_leases
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_outbox_leases"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_finished_at"), ["finished_at"], unique=False)
    # Before leases a claim was final: treat every claimed entry as finished.
    op.execute("UPDATE outbox SET finished_at = claimed_at WHERE claimed_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_finished_at"))
        batch_op.drop_column("finished_at")
        batch_op.drop_column("lease_until")
