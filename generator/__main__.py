"""``python -m generator``: the ``briefing`` command (generator.cli)."""

from generator.cli import main

main()
