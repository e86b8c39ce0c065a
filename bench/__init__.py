"""Benchmarks: each script prints its figures and their ratios, measured in the same run.

    python -m bench.generate DIR --ties N   seeded synthetic data in the project's JSONL format
    python -m bench.core [--quick]          files -> validated model -> graph: ties/s, peak RSS
    python -m bench.yearly [--quick]        per-year centrality, NetworkX vs igraph vs numba, checked equal
    python -m bench.report [--quick]        `tiegraph report` wall time, imports included
    python -m bench.thesis [--quick]        `tiegraph thesis` on bundled + external data; null before/after
    python -m bench.neo4j_load [--quick]    Neo4j load throughput (starts a local server; see its docstring)

Shared plumbing (cached datasets, fresh child processes, peak RSS, machine
facts) is in ``bench._harness``; results and the machine are in BENCHMARKS.md;
``tests/test_bench_quick.py`` runs every script's --quick mode.
"""
