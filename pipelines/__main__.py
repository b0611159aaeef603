"""`python -m pipelines`: the provtrack command, for a checkout without the installed script."""

from pipelines.cli import main

main()
