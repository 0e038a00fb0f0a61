"""Learning jobs: record how cases were resolved, remember them, and report the team's figures."""
