"""Stand-ins for services outside our process boundary, served over real HTTP."""
