"""One module per command family: thin glue between the CLI and the core."""
