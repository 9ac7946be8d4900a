"""This contact center's flows and routing, written with the studio and taskrouter toolkits."""
