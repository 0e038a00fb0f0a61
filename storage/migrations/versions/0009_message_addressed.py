"""case messages remember whether they @-mentioned the bot (quiet threads answer mentions, not chatter)

Revision ID: 0009_message_addressed
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_message_addressed"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("addressed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("case_messages", schema=None) as batch_op:
        batch_op.drop_column("addressed")
