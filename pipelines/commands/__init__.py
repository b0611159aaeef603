"""provtrack subcommands, grouped by what they do."""
