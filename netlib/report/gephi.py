"""The coordination network and the mirror chains as graphs, and their export for Gephi.

Text is XML-escaped by the writers, characters that XML cannot hold are replaced, and bidi
control characters are shown as visible ``<U+202E>`` codes. Nodes, edges and attributes are
written in sorted order, so the same analysis gives the same bytes.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netlib.plots import coordination_edges, network_layout
from netlib.report._common import cell_text, is_missing, result_frame
from netlib.report.pseudonymize import pseudonymize_analysis
from netlib.safe import show_controls
from netlib.schema import (
    ACCOUNT_ID,
    ACCOUNT_ID_Y,
    BIO,
    CHAIN_ID,
    CLUSTER_ID,
    CREATED_AT,
    DISPLAY_NAME,
    HANDLE,
    HUB_RANK,
    HUB_SCORE,
    PLATFORM,
    POSITION,
    PREDECESSOR_ID,
    RANK,
    STATUS,
    SUCCESSOR_ID,
    SUSPENDED_AT,
    TIMESTAMP,
    URL,
    WEIGHT,
)

__all__ = ["graphs", "export_graph"]


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    """A value GraphML/GEXF can hold: no control characters or lone surrogates, no None.

    Bidi controls are written as visible codes (:func:`netlib.safe.show_controls`).
    """
    if is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if not math.isnan(value) else ""
    return _XML_BAD.sub("\ufffd", show_controls(cell_text(value)))


def _node_attrs(accounts: pd.DataFrame) -> dict[str, dict[str, Any]]:
    cols = [c for c in (HANDLE, PLATFORM, DISPLAY_NAME, STATUS, CREATED_AT, SUSPENDED_AT, URL,
                        BIO) if c in accounts]
    attrs = {}
    for rec in accounts[[ACCOUNT_ID, *cols]].to_dict("records"):
        attrs[str(rec[ACCOUNT_ID])] = {
            c: (rec[c].strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(rec[c], pd.Timestamp)
                and pd.notna(rec[c]) else _xml_safe(rec[c])) for c in cols}
    return attrs


def _edge_value(value: Any) -> Any:
    if isinstance(value, pd.Timedelta):
        return value.total_seconds()
    return _xml_safe(value)


def graphs(analysis: Any) -> dict[str, Any]:
    """The coordination network and the mirror chains as networkx graphs.

    Returns
    -------
    dict
        ``"coordination"``: undirected graph of coordinated accounts (node attributes
        ``label, handle, platform, ..., cluster_id, hub_score, hub_rank, x, y``, where
        ``x, y`` are the network map's layout; edge attributes
        from the significant ties, see :func:`netlib.plots.coordination_edges`). ``"mirror_chains"``: directed graph predecessor ->
        successor (node ``chain_id, position``; edge ``score`` and signal columns).
        Values are XML-safe (control characters replaced, no missing values).
    """
    import networkx as nx

    accounts = analysis.dataset.accounts
    attrs = _node_attrs(accounts)
    hubs = result_frame(getattr(analysis, "hubs", None), "hubs")
    hub_of = {} if hubs is None else {str(r[ACCOUNT_ID]): r for r in hubs.to_dict("records")}

    def node(graph, account_id: str, **extra) -> None:
        data = {"label": _xml_safe(attrs.get(account_id, {}).get(HANDLE, account_id)),
                **{k: v for k, v in attrs.get(account_id, {}).items()}}
        hub = hub_of.get(account_id)
        if hub is not None:
            data[HUB_SCORE] = _xml_safe(hub.get(HUB_SCORE, ""))
            data[HUB_RANK] = _xml_safe(hub.get(RANK, ""))
        data.update({k: _xml_safe(v) for k, v in extra.items()})
        graph.add_node(_xml_safe(account_id), **data)

    coord = nx.Graph(name="coordination")
    coordination = getattr(analysis, "coordination", None)
    clusters = result_frame(coordination, "clusters")
    edges = coordination_edges(coordination)
    if clusters is not None:
        for a, cid in zip(clusters[ACCOUNT_ID].astype(str), clusters[CLUSTER_ID], strict=True):
            node(coord, a, cluster_id=str(cid))
    if edges is not None and not edges.empty:
        extra_cols = [c for c in edges.columns if c not in (ACCOUNT_ID, ACCOUNT_ID_Y)]
        for rec in edges.to_dict("records"):
            a, b = str(rec[ACCOUNT_ID]), str(rec[ACCOUNT_ID_Y])
            for x in (a, b):
                if _xml_safe(x) not in coord:
                    node(coord, x, cluster_id="")
            coord.add_edge(_xml_safe(a), _xml_safe(b),
                           **{c: _edge_value(rec[c]) for c in extra_cols
                              if not isinstance(rec[c], (list, dict, tuple))})
            if WEIGHT not in extra_cols:
                coord.edges[_xml_safe(a), _xml_safe(b)][WEIGHT] = 1.0

    _place(coord, coordination, hubs)

    chains_graph = nx.DiGraph(name="mirror_chains")
    mirrors = getattr(analysis, "mirrors", None)
    chains = result_frame(mirrors, "chains")
    links = result_frame(mirrors, "links")
    if chains is not None:
        for rec in chains.to_dict("records"):
            node(chains_graph, str(rec[ACCOUNT_ID]), chain_id=str(rec[CHAIN_ID]),
                 position=_xml_safe(rec.get(POSITION, "")))
    if links is not None and not links.empty:
        extra_cols = [c for c in links.columns if c not in (PREDECESSOR_ID, SUCCESSOR_ID)]
        for rec in links.to_dict("records"):
            a, b = str(rec[PREDECESSOR_ID]), str(rec[SUCCESSOR_ID])
            for x in (a, b):
                if _xml_safe(x) not in chains_graph:
                    node(chains_graph, x, chain_id="", position="")
            chains_graph.add_edge(_xml_safe(a), _xml_safe(b),
                                  **{c: _edge_value(rec[c]) for c in extra_cols
                                     if not isinstance(rec[c], (list, dict, tuple))})
    return {"coordination": _canonical(_uniform_types(coord)),
            "mirror_chains": _canonical(_uniform_types(chains_graph))}


#: Gephi coordinates span this many units (the map's unit square, scaled).
_GEPHI_SCALE = 1000.0


def _place(graph, coordination: Any, hubs: Any) -> None:
    """Give every node ``x, y``: the network map's layout (:func:`netlib.plots.network_layout`).

    Every clustered account is placed (small components too); accounts tied but outside
    any cluster go in a row below the map.
    """
    if graph.number_of_nodes() == 0:
        return
    layout = network_layout(coordination, max_nodes=None, include_small=True, hubs=hubs)
    rest = sorted(str(n) for n in graph.nodes if str(n) not in layout.positions)
    for node in graph.nodes:
        x, y = layout.positions.get(str(node), (None, None))
        if x is None:
            x, y = (rest.index(str(node)) + 0.5) / max(len(rest), 1), -0.1
        graph.nodes[node]["x"] = round(float(x) * _GEPHI_SCALE, 3)
        graph.nodes[node]["y"] = round(float(y) * _GEPHI_SCALE, 3)


def _canonical(graph):
    """The same graph with nodes, edges and attributes in sorted order (stable file bytes)."""
    out = graph.__class__()
    out.graph.update(sorted(graph.graph.items()))
    for node in sorted(graph.nodes, key=str):
        out.add_node(node, **dict(sorted(graph.nodes[node].items())))
    edges = []
    for u, v, data in graph.edges(data=True):
        if not graph.is_directed() and str(v) < str(u):
            u, v = v, u
        edges.append((str(u), str(v), u, v, data))
    for *_, u, v, data in sorted(edges, key=lambda e: (e[0], e[1])):
        out.add_edge(u, v, **dict(sorted(data.items())))
    return out


def _uniform_types(graph):
    """GraphML/GEXF need one type per attribute: numbers stay numbers only if all are numbers."""
    for items in (list(graph.nodes(data=True)), list(graph.edges(data=True))):
        keys = sorted({k for *_, d in items for k in d})
        for key in keys:
            values = [d.get(key, "") for *_, d in items]
            numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool)
                          for v in values)
            for *_, d in items:
                value = d.get(key, "")
                d[key] = float(value) if numeric else ("" if value == "" else str(value))
    return graph


def export_graph(analysis: Any, out_dir: str | Path, *,
                 pseudonymize_key: str | bytes | None = None) -> list[Path]:
    """Write the coordination network and the mirror chains for Gephi (GraphML and GEXF).

    Files: ``coordination.graphml``, ``coordination.gexf``, ``mirror_chains.graphml``,
    ``mirror_chains.gexf``. Text is XML-escaped by the writers and characters XML cannot
    hold are replaced by U+FFFD, so hostile names cannot break the files.

    Parameters
    ----------
    analysis : Analysis-like
    out_dir : str or Path
    pseudonymize_key : str or bytes, optional
        Export keyed pseudonyms instead of ids, handles and names (or pass an analysis from
        :func:`pseudonymize_analysis`).

    Returns
    -------
    list of Path
    """
    import networkx as nx

    if pseudonymize_key and not getattr(analysis, "_pseudonymized", False):
        analysis = pseudonymize_analysis(analysis, pseudonymize_key)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, graph in graphs(analysis).items():
        for suffix, writer in (("graphml", nx.write_graphml), ("gexf", nx.write_gexf)):
            path = folder / f"{name}.{suffix}"
            writer(_with_viz(graph) if suffix == "gexf" else graph, path)
            written.append(path)
        _fix_gexf_date(folder / f"{name}.gexf", analysis)
    return written


def _with_viz(graph):
    """A copy whose ``x, y`` are also GEXF ``viz:position`` (Gephi opens it laid out)."""
    if not any("x" in d for _, d in graph.nodes(data=True)):
        return graph
    out = graph.copy()
    for _, data in out.nodes(data=True):
        if isinstance(data.get("x"), float) and isinstance(data.get("y"), float):
            data["viz"] = {"position": {"x": data["x"], "y": data["y"], "z": 0.0}}
    return out


def _fix_gexf_date(path: Path, analysis: Any) -> None:
    """GEXF's ``lastmodifieddate`` is the data's last day, not today: same input, same bytes."""
    actions = analysis.dataset.actions
    last = actions[TIMESTAMP].max() if len(actions) else None
    day = last.strftime("%Y-%m-%d") if last is not None and not pd.isna(last) else "1970-01-01"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'lastmodifieddate="[0-9-]+"', f'lastmodifieddate="{day}"', text,
                           count=1), encoding="utf-8")
