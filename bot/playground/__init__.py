"""The local playground: a Slack Web API stand-in plus a Slack-like page, for trying the bot offline."""
