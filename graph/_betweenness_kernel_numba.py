"""The compiled parts of ``graph.betweenness_kernel`` (numba; see that module for the method and why).

Kept apart so that importing ``graph.betweenness_kernel`` does not import numba.
Every kernel is ``nogil`` (threads run snapshots side by side) and
``cache=True`` (compiled once per machine, then loaded from ``__pycache__``).
Vertex indices are int32, counts and weights float64 (integers below 2^53,
so the tree counts are exact).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

LANES = 64
ONE = np.uint64(1)


def _cttz(typingctx, word):
    """Index of the lowest set bit of a non-zero uint64 (LLVM's cttz: one instruction)."""
    def codegen(context, builder, signature, args):
        return builder.cttz(args[0], ir.Constant(ir.IntType(1), 1))
    return types.int64(types.uint64), codegen


#: called as ``_lowest_bit(word)`` inside the kernels; numba supplies the typing context, so the
#: one-argument call is right although the Python signature above has two (hence typed ``Any``)
_lowest_bit: Any = intrinsic(_cttz)


@njit(nogil=True, cache=True)
def _adjacency(n, u, v):
    """CSR adjacency (indptr, indices) of the undirected edges (u[i], v[i])."""
    indptr = np.zeros(n + 1, np.int64)
    for i in range(len(u)):
        indptr[u[i] + 1] += 1
        indptr[v[i] + 1] += 1
    for x in range(n):
        indptr[x + 1] += indptr[x]
    fill = indptr[:-1].copy()
    indices = np.empty(2 * len(u), np.int32)
    for i in range(len(u)):
        indices[fill[u[i]]] = v[i]
        fill[u[i]] += 1
        indices[fill[v[i]]] = u[i]
        fill[v[i]] += 1
    return indptr, indices


@njit(nogil=True, cache=True)
def _component_sizes(indptr, indices):
    """Size of each vertex's connected component (BFS labelling)."""
    n = len(indptr) - 1
    label = np.full(n, -1, np.int64)
    queue = np.empty(n, np.int32)
    size_of = np.zeros(n)
    size = np.empty(n)
    for root in range(n):
        if label[root] >= 0:
            continue
        label[root] = root
        queue[0] = root
        head, tail = 0, 1
        while head < tail:
            x = queue[head]
            head += 1
            for j in range(indptr[x], indptr[x + 1]):
                y = indices[j]
                if label[y] < 0:
                    label[y] = root
                    queue[tail] = y
                    tail += 1
        size_of[root] = tail
    for x in range(n):
        size[x] = size_of[label[x]]
    return size


@njit(nogil=True, cache=True)
def _fold_trees(indptr, indices):
    """Peel degree-1 vertices until none is left: (size, tree_part, core).

    ``size``: vertices of the tree each vertex roots (itself included);
    ``tree_part``: betweenness (ordered pairs) from pairs through the vertex that
    start or end in its own tree -- all of it for a tree vertex;
    ``core``: the 2-core (vertices Brandes still has to see).
    """
    n = len(indptr) - 1
    degree = np.empty(n, np.int64)
    for x in range(n):
        degree[x] = indptr[x + 1] - indptr[x]
    size = np.ones(n)
    parent = np.full(n, -1, np.int64)
    removed = np.zeros(n, np.bool_)
    stack = np.empty(n, np.int64)
    top = 0
    for x in range(n):
        if degree[x] == 1:
            stack[top] = x
            top += 1
    while top:
        top -= 1
        leaf = stack[top]
        if degree[leaf] != 1:  # 0: the last vertex of a tree component, its root
            continue
        removed[leaf] = True
        degree[leaf] = 0
        for j in range(indptr[leaf], indptr[leaf + 1]):
            q = indices[j]
            if not removed[q]:
                break
        parent[leaf] = q
        size[q] += size[leaf]
        degree[q] -= 1
        if degree[q] == 1:
            stack[top] = q
            top += 1
    children_squares = np.zeros(n)
    for x in range(n):
        if parent[x] >= 0:
            children_squares[parent[x]] += size[x] * size[x]
    component = _component_sizes(indptr, indices)
    tree_part = np.empty(n)
    core = np.zeros(n, np.bool_)
    for x in range(n):
        rest = component[x] - size[x]  # the part of the component outside x's tree
        tree_part[x] = (component[x] - 1.0) ** 2 - children_squares[x] - rest * rest
        core[x] = degree[x] > 0
    return size, tree_part, core


@njit(nogil=True, cache=True)
def _subgraph(indptr, indices, keep):
    """The subgraph on ``keep``, vertices renumbered in BFS order (nearby sources share a batch,
    so their searches overlap more): (indptr, indices, original index of each new vertex, depth).

    ``depth`` bounds every eccentricity: twice the largest BFS depth from a component's root.
    """
    n = len(indptr) - 1
    new = np.full(n, -1, np.int64)
    level = np.zeros(n, np.int64)
    order = np.empty(n, np.int64)
    count = 0
    deepest = 0
    for root in range(n):
        if not keep[root] or new[root] >= 0:
            continue
        new[root] = count
        order[count] = root
        head = count
        count += 1
        while head < count:
            x = order[head]
            head += 1
            for j in range(indptr[x], indptr[x + 1]):
                y = indices[j]
                if keep[y] and new[y] < 0:
                    new[y] = count
                    order[count] = y
                    count += 1
                    level[y] = level[x] + 1
                    deepest = max(deepest, level[y])
    sub_indptr = np.zeros(count + 1, np.int64)
    sub_indices = np.empty(indptr[n], np.int32)
    edges = 0
    for i in range(count):
        x = order[i]
        for j in range(indptr[x], indptr[x + 1]):
            y = indices[j]
            if keep[y]:
                sub_indices[edges] = new[y]
                edges += 1
        sub_indptr[i + 1] = edges
    return sub_indptr, sub_indices[:edges], order[:count], 2 * deepest


@njit(nogil=True, cache=True)
def _search_batch(indptr, indices, weight, first, count, work, bc):
    """Brandes from sources ``first .. first+count-1`` (``count`` <= 64) at once; adds to ``bc``.

    The searches advance a BFS level at a time.  ``order`` lists the vertices
    of each level (``level_start``), a vertex once per level at which some
    search finds it, with ``entry_mask``: bit k set when the vertex is at that
    distance from source k; ``building`` gathers the masks of the next level,
    ``settled[x]`` the sources whose search has reached x.  ``sigma``/``delta``
    (vertex x source): path counts and dependencies, ``delta`` turning into
    the coefficient (weight + delta) / sigma once final.  Each edge x -> y of
    the searches' DAGs is recorded once with the sources it serves (``link_*``),
    so path counts and the backward pass visit only those edges.  Sources and
    targets are weighted by ``weight``.  The loop that tests every edge is
    branch-free (appends advance a counter by a comparison): its outcomes are
    unpredictable, and mispredicted branches cost more than the stores.
    Every work array is zero again on return.
    """
    building, settled, sigma, delta, order, entry_mask, level_start, link_from, link_to, link_bits, link_start = work
    for k in range(count):
        s = first + k
        order[k] = s
        entry_mask[k] = ONE << np.uint64(k)
        settled[s] = entry_mask[k]
        sigma[s, k] = 1.0
    level_start[0] = 0
    level_start[1] = count
    links = 0
    d = 0
    while True:  # forward: level d -> d + 1
        low, high = level_start[d], level_start[d + 1]
        link_start[d] = links
        top = high
        for i in range(low, high):
            x = order[i]
            here = entry_mask[i]
            for j in range(indptr[x], indptr[x + 1]):
                y = indices[j]
                reach = here & ~settled[y]
                seen = building[y]
                order[top] = y
                top += (seen == 0) & (reach != 0)
                building[y] = seen | reach
                link_from[links] = x
                link_to[links] = y
                link_bits[links] = reach
                links += reach != 0
        for i in range(link_start[d], links):
            x, y, bits = link_from[i], link_to[i], link_bits[i]
            while bits:
                k = _lowest_bit(bits)
                sigma[y, k] += sigma[x, k]
                bits &= bits - ONE
        if top == high:
            break
        for i in range(high, top):
            y = order[i]
            entry_mask[i] = building[y]
            settled[y] |= building[y]
            building[y] = 0
        d += 1
        level_start[d + 1] = top
    for level in range(d, 0, -1):  # backward: dependencies, deepest level first
        for i in range(level_start[level], level_start[level + 1]):
            y = order[i]
            total = 0.0
            bits = entry_mask[i]
            while bits:
                k = _lowest_bit(bits)
                total += weight[first + k] * delta[y, k]
                delta[y, k] = (weight[y] + delta[y, k]) / sigma[y, k]
                bits &= bits - ONE
            bc[y] += total
        for i in range(link_start[level - 1], link_start[level]):
            x, y, bits = link_from[i], link_to[i], link_bits[i]
            while bits:
                k = _lowest_bit(bits)
                delta[x, k] += sigma[x, k] * delta[y, k]
                bits &= bits - ONE
    for i in range(level_start[d + 1]):
        x = order[i]
        settled[x] = 0
        for k in range(LANES):
            sigma[x, k] = 0.0
            delta[x, k] = 0.0


@njit(nogil=True, cache=True)
def _weighted_brandes(indptr, indices, weight, depth):
    """Sum over sources s of weight[s] * (dependency of s on each vertex), targets weighted too.

    ``depth``: a bound on any vertex's eccentricity, so on the levels of a search.
    """
    n = len(indptr) - 1
    levels = min(LANES, depth + 1)  # at how many levels one vertex (or edge) can appear in a batch
    most_entries = n * levels + 1
    most_links = len(indices) * levels + 1
    work = (np.zeros(n, np.uint64), np.zeros(n, np.uint64), np.zeros((n, LANES)), np.zeros((n, LANES)),
            np.empty(most_entries, np.int32), np.empty(most_entries, np.uint64), np.zeros(depth + 2, np.int64),
            np.empty(most_links, np.int32), np.empty(most_links, np.int32), np.empty(most_links, np.uint64),
            np.zeros(depth + 2, np.int64))
    bc = np.zeros(n)
    for first in range(0, n, LANES):
        _search_batch(indptr, indices, weight, first, min(LANES, n - first), work, bc)
    return bc


@njit(nogil=True, cache=True)
def raw_betweenness(n, u, v):
    """Betweenness summed over ordered pairs (NetworkX before rescaling) of a simple graph
    given as edges u < v."""
    indptr, indices = _adjacency(n, u, v)
    size, bc, core = _fold_trees(indptr, indices)
    sub_indptr, sub_indices, original, depth = _subgraph(indptr, indices, core)
    weight = np.empty(len(original))
    for i in range(len(original)):
        weight[i] = size[original[i]]
    core_bc = _weighted_brandes(sub_indptr, sub_indices, weight, depth)
    for i in range(len(original)):
        bc[original[i]] += core_bc[i]
    return bc
