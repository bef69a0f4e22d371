"""The Slack surface: Bolt app, handlers, Block Kit rendering. The core never imports this."""
