"""One head: the feature branches (incidents, usage, actions, audit, runbooks, threads, leases,
the report view and learning) meet here, so every later migration has exactly one parent.

Revision ID: 0011_one_head
"""

revision = "0011_one_head"
down_revision = (
    "0004",
    "0006",
    "0007",
    "0008_runbook_edits",
    "0008",
    "0009_message_addressed",
    "0009_outbox_leases",
    "0010_case_report_view",
    "0010_learning",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: this revision only joins the branches."""


def downgrade() -> None:
    """Nothing to undo."""
