"""Coordination engines: the pair-file writer, and the network steps on Spark.

``pairfiles``
    :func:`~netlib.coordination.write_coshare_pairs` and
    :func:`~netlib.coordination.pair_edges`.
``spark_network``
    The row-level steps after the join on Spark: the edge table and the null model's bins
    and expected counts per edge (needs pyspark), and a ``spark-submit`` entry point.

The join itself (the shared SQL, DuckDB and Spark engines) lives in
:mod:`netlib.coaction.engines`; the public functions are
:func:`netlib.coordination.coshare_pairs`, :func:`~netlib.coordination.write_coshare_pairs`
and :func:`~netlib.coordination.pair_edges`.
"""
