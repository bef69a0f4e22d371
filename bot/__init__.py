"""foibot: the drafting assistant (core, CLI, and the Slack adapter in bot.slack)."""
