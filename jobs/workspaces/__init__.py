"""Many workspaces: which Slack team a request or job works for, and that team's bot token."""
