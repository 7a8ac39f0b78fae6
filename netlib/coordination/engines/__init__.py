"""Where the co-share join runs: the shared SQL, DuckDB, Spark and the pair-file writer.

``sql``
    The SQL steps of the join (both engines run the same text).
``shares``
    The input read once into one layout (``tr, obj, acc, cid, ticks, rn``) and the pairs
    decoded back to the input's ids.
``duck``
    The DuckDB engine (the default).
``spark``
    The Spark engine (needs pyspark and Java; imported lazily) and ``spark-submit`` entry.
``pairfiles``
    :func:`~netlib.coordination.write_coshare_pairs` and
    :func:`~netlib.coordination.pair_edges`: pairs written to and read from Parquet files.

The public functions are :func:`netlib.coordination.coshare_pairs`,
:func:`~netlib.coordination.write_coshare_pairs` and :func:`~netlib.coordination.pair_edges`.
"""
