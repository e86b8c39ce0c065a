"""Analysis over the graph: yearly series, trend tests, the thesis evidence and the report."""
