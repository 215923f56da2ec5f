"""``python -m search.cli``: the command line."""

from search.cli._main import main

raise SystemExit(main())
