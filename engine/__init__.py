"""Pure troubleshooting logic: no Slack, no RQ, no Redis."""
