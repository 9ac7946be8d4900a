"""flexctl: the single command line of flex-pre-agent."""
