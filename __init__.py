"""tiegraph: a graph database of defence and security ties, and its network reports.

The repository root is the package: ``pyproject.toml`` maps it to ``tiegraph`` so that the
folders a reader sees at the top (``model/``, ``loaders/``, ``graph/``, ``analysis/``,
``store/``, ``exports/``, ``commands/``, ``cypher/``, ``data/``, ``cli.py``) install as
``tiegraph.model``, ``tiegraph.loaders``, … and nothing else lands in site-packages.
"""

__version__ = "0.1.0"
