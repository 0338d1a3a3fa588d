"""``python -m eventledger``: the same command line as the ``eventledger`` script."""

from eventledger.cli import main

main()
