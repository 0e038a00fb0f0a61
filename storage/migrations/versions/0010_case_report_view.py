"""cases remember the severity a person chose and the snippet their long report was uploaded as

Revision ID: 0010_case_report_view
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_case_report_view"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reported_severity", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("report_file_id", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("report_file_id")
        batch_op.drop_column("reported_severity")
