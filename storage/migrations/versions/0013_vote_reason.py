"""a Deny may carry the reason the person gave

Revision ID: 0013_vote_reason
Revises: 0011_one_head
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_vote_reason"
down_revision = "0012_workspaces"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("action_votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("action_votes", schema=None) as batch_op:
        batch_op.drop_column("reason")
