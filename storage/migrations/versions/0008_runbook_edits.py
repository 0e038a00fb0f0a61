"""runbook edits in Slack, and offers on cases resolved at the source

Revision ID: 0008_runbook_edits
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

# A descriptive id: features add migrations in parallel, and numbers alone collide.
revision = "0008_runbook_edits"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runbooks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_by", sa.String(length=64), nullable=True))
    # A case resolved in PagerDuty or Alertmanager has no Slack resolution to point at.
    with op.batch_alter_table("runbook_offers", schema=None) as batch_op:
        batch_op.alter_column("resolution_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("runbook_offers", schema=None) as batch_op:
        batch_op.alter_column("resolution_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("runbooks", schema=None) as batch_op:
        batch_op.drop_column("edited_by")
