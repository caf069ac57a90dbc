"""``python -m dedup``: the same as the ``dedup`` command."""

from dedup.cli import main

if __name__ == "__main__":
    main()
