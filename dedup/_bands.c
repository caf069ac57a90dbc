/* The candidate pairs of one LSH band table, in C: the compiled path of dedup.index.

   A band table maps every document to a 32-bit key; documents sharing a key are a
   bucket, and every pair inside a bucket of at most max_bucket documents is a
   candidate if its size ratio falls in the table's tier; a larger bucket is split by
   the following signature rows, and chained in id order if it stays large. numpy
   finds buckets by sorting every key (a few ms per table at 100k documents, and 170
   tables), then makes every pair as temporary arrays and filters them by ratio; here
   one cache-friendly hashing pass finds the buckets and the pairs are made and tested
   in the same loop.

   The result is exactly that of index.bucket_pairs followed by the tier test (a test
   compares the two on random signatures): the same pairs, encoded the same way
   (i * n + j, i < j). Only their order differs, and the caller sorts and deduplicates
   the codes. No numpy C API is used: inputs come through the buffer protocol and the
   codes go back as bytes for numpy.frombuffer, so the module builds against Python's
   headers alone. The GIL is released while it works: band tables run on threads.

   Also here: the sort of the codes of all tables (sort_unique), the signature agreements
   of candidate pairs (agreements, for index.plausible), and the exact shingle-set
   intersections of the verify stage (overlaps, for cluster.ShingleSets), each a plain
   loop that numpy can only express with temporary arrays or a call per pair.
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *data;
    Py_ssize_t len; /* bytes used */
    Py_ssize_t cap; /* bytes allocated */
} growable;

static int push64(growable *g, uint64_t v) {
    if (g->len + 8 > g->cap) {
        Py_ssize_t cap = g->cap ? 2 * g->cap : 4096;
        char *p = realloc(g->data, (size_t)cap);
        if (!p) return -1;
        g->data = p;
        g->cap = cap;
    }
    memcpy(g->data + g->len, &v, 8);
    g->len += 8;
    return 0;
}

#define GOLDEN 0x9E3779B1u /* Knuth's multiplicative hash constant, as in index.py */

/* Group m documents (ids ascending, one key each) by key. Writes the members of every
   key shared by two or more of them to out_id, bucket after bucket, each ascending, and
   the bucket sizes to out_size; returns the number of buckets, or -1 without memory.

   A hash table over all m keys would miss the cache on every probe once it outgrows
   it (5 ms per 100k keys here); so the documents are first partitioned, in one stable
   pass, by the top bits of their mixed key into parts of about a thousand, and each
   part is grouped with a table small enough to stay in the L1 cache. */
static int part_bits(Py_ssize_t m) {
    int pbits = 0;
    while ((m >> pbits) > 1024 && pbits < 16) pbits++;
    return pbits;
}

/* Bytes of the work area group_keys needs for m documents. */
static size_t group_work(Py_ssize_t m) {
    size_t parts = (size_t)1 << part_bits(m);
    return (size_t)m * (sizeof(int64_t) + 2 * sizeof(uint32_t)) + (2 * parts + 1) * sizeof(Py_ssize_t);
}

static Py_ssize_t group_keys(const uint32_t *key, const int64_t *id, Py_ssize_t m, int64_t *out_id,
                             int64_t *out_size, char *work) {
    int pbits = part_bits(m);
    Py_ssize_t parts = (Py_ssize_t)1 << pbits;
    char *own = work ? NULL : malloc(group_work(m));
    if (!work && !own) return -1;
    char *w = work ? work : own;
    int64_t *part_id = (int64_t *)w; /* the documents, key and mixed key, part after part */
    Py_ssize_t *start = (Py_ssize_t *)(part_id + m);
    Py_ssize_t *fill = start + parts + 1;
    uint32_t *part_key = (uint32_t *)(fill + parts);
    uint32_t *part_mixed = part_key + m;
    uint32_t *slot_key = NULL, *slot_count = NULL;
    int32_t *slot_pos = NULL, *item_slot = NULL;
    Py_ssize_t groups = -1, written = 0, biggest = 0;
    memset(start, 0, (size_t)(parts + 1) * sizeof(Py_ssize_t));
    for (Py_ssize_t i = 0; i < m; i++) start[pbits ? ((key[i] * GOLDEN) >> (32 - pbits)) + 1 : 1]++;
    for (Py_ssize_t p = 0; p < parts; p++) {
        if (start[p + 1] > biggest) biggest = start[p + 1];
        start[p + 1] += start[p];
    }
    memcpy(fill, start, (size_t)parts * sizeof(Py_ssize_t));
    for (Py_ssize_t i = 0; i < m; i++) { /* stable: each part keeps document order */
        uint32_t mixed = key[i] * GOLDEN;
        Py_ssize_t at = fill[pbits ? mixed >> (32 - pbits) : 0]++;
        part_id[at] = id[i];
        part_key[at] = key[i];
        part_mixed[at] = mixed << pbits; /* the bits below the part's */
    }
    int tbits = 3;
    while (((Py_ssize_t)1 << tbits) < 2 * biggest) tbits++;
    size_t cap_max = (size_t)1 << tbits;
    slot_key = malloc(cap_max * sizeof(uint32_t));
    slot_count = malloc(cap_max * sizeof(uint32_t));
    slot_pos = malloc(cap_max * sizeof(int32_t));
    item_slot = malloc((size_t)(biggest ? biggest : 1) * sizeof(int32_t));
    if (!slot_key || !slot_count || !slot_pos || !item_slot) goto done;
    groups = 0;
    for (Py_ssize_t p = 0; p < parts; p++) {
        Py_ssize_t lo = start[p], size = start[p + 1] - lo;
        if (size < 2) continue;
        int bits = 3;
        while (((Py_ssize_t)1 << bits) < 2 * size) bits++;
        size_t mask = ((size_t)1 << bits) - 1;
        memset(slot_count, 0, (mask + 1) * sizeof(uint32_t));
        int shared = 0;
        for (Py_ssize_t x = 0; x < size; x++) {
            uint32_t k = part_key[lo + x];
            size_t h = (size_t)(part_mixed[lo + x] >> (32 - bits));
            while (slot_count[h] && slot_key[h] != k) h = (h + 1) & mask;
            slot_key[h] = k;
            shared |= slot_count[h]++;
            item_slot[x] = (int32_t)h;
        }
        if (!shared) continue; /* every key of this part is alone: the common case */
        memset(slot_pos, 0xFF, (mask + 1) * sizeof(int32_t));
        for (Py_ssize_t x = 0; x < size; x++) { /* buckets in order of their first member */
            int32_t s = item_slot[x];
            if (slot_count[s] < 2) continue;
            if (slot_pos[s] < 0) {
                slot_pos[s] = (int32_t)written;
                out_size[groups++] = slot_count[s];
                written += slot_count[s];
            }
            out_id[slot_pos[s]++] = part_id[lo + x]; /* members in document order: ascending */
        }
    }
done:
    free(own);
    free(slot_key);
    free(slot_count);
    free(slot_pos);
    free(item_slot);
    return groups;
}

typedef struct {
    const uint32_t *rows; /* num_perm x n, one row per permutation */
    const int64_t *following; /* the signature rows that split an oversized bucket */
    Py_ssize_t extra; /* how many of them */
    const double *sizes;
    uint64_t n;
    double lo, hi;
    Py_ssize_t max_bucket;
    growable *codes;
} table;

static inline int emit(const table *t, int64_t i, int64_t j) {
    double si = t->sizes[i], sj = t->sizes[j];
    double ratio = si > sj ? si / sj : sj / si;
    if (ratio > t->lo && ratio <= t->hi) return push64(t->codes, (uint64_t)i * t->n + (uint64_t)j);
    return 0;
}

static int buckets(const table *t, const int64_t *members, const int64_t *sizes, Py_ssize_t groups, int e);

/* An oversized bucket (ids ascending): split it by signature row e, or, after the last
   row, chain its members in id order (near-identical documents). */
static int oversized(const table *t, const int64_t *ids, Py_ssize_t m, int e) {
    if (e >= t->extra) {
        for (Py_ssize_t x = 0; x + 1 < m; x++)
            if (emit(t, ids[x], ids[x + 1])) return -1;
        return 0;
    }
    const uint32_t *row = t->rows + (size_t)t->following[e] * t->n;
    uint32_t *keys = malloc((size_t)m * sizeof(uint32_t));
    int64_t *out_id = malloc((size_t)m * sizeof(int64_t));
    int64_t *out_size = malloc((size_t)(m / 2 + 1) * sizeof(int64_t));
    int status = -1;
    if (keys && out_id && out_size) {
        for (Py_ssize_t x = 0; x < m; x++) keys[x] = row[ids[x]];
        Py_ssize_t groups = group_keys(keys, ids, m, out_id, out_size, NULL);
        if (groups >= 0) status = buckets(t, out_id, out_size, groups, e + 1);
    }
    free(keys);
    free(out_id);
    free(out_size);
    return status;
}

/* Every pair of each bucket of at most max_bucket; larger buckets split further. */
static int buckets(const table *t, const int64_t *members, const int64_t *sizes, Py_ssize_t groups, int e) {
    Py_ssize_t at = 0;
    for (Py_ssize_t g = 0; g < groups; g++) {
        const int64_t *ids = members + at;
        Py_ssize_t m = sizes[g];
        at += m;
        if (m <= t->max_bucket) {
            for (Py_ssize_t x = 0; x < m; x++)
                for (Py_ssize_t y = x + 1; y < m; y++)
                    if (emit(t, ids[x], ids[y])) return -1;
        } else if (oversized(t, ids, m, e)) {
            return -1;
        }
    }
    return 0;
}

/* Bytes of scratch table_pairs needs for n documents. */
static size_t scratch_size(Py_ssize_t n) {
    return (size_t)n * (2 * sizeof(int64_t) + sizeof(uint32_t)) + ((size_t)n / 2 + 1) * sizeof(int64_t) +
           group_work(n);
}

/* The work, without the GIL, in the caller's scratch. Returns 0, or -1 when memory ran out. */
static int table_pairs(const table *t, const uint32_t *keys, const unsigned char *alive, char *scratch) {
    Py_ssize_t n = (Py_ssize_t)t->n, m = 0;
    int64_t *ids = (int64_t *)scratch;
    int64_t *out_id = ids + n;
    int64_t *out_size = out_id + n;
    char *work = (char *)(out_size + n / 2 + 1);
    uint32_t *k = (uint32_t *)(work + group_work(n));
    for (Py_ssize_t i = 0; i < n; i++) {
        k[m] = keys[i];
        ids[m] = i;
        m += alive[i] != 0;
    }
    Py_ssize_t groups = group_keys(k, ids, m, out_id, out_size, work);
    return groups < 0 ? -1 : buckets(t, out_id, out_size, groups, 0);
}

PyDoc_STRVAR(table_pairs_doc,
"table_pairs(keys, rows, following, sizes, alive, lo, hi, max_bucket, scratch) -> bytes\n"
"\n"
"One band table's candidate pairs, as index.bucket_pairs finds them and the size-ratio\n"
"test of its tier keeps them. keys: the band's uint32 key per document; rows: the\n"
"transposed signature matrix (uint32, num_perm x n, C order); following: the int64\n"
"signature rows that split an oversized bucket, in order (index.extra_rows); sizes:\n"
"float64 shingle counts (at least 1); alive: one byte per document, 0 for documents\n"
"that never pair. Returns the codes i * n + j (uint64, native byte order, i < j) of\n"
"the pairs whose size ratio (larger / smaller) is in (lo, hi]. scratch: a writable\n"
"buffer of at least table_bytes(n) bytes, reused from table to table (fresh memory\n"
"for every table would cost more in page faults than the work itself).");

static PyObject *py_table_pairs(PyObject *self, PyObject *args) {
    Py_buffer keys, rows, following, sizes, alive, scratch;
    table t = {0};
    growable codes = {0};
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*ddnw*", &keys, &rows, &following, &sizes, &alive, &t.lo, &t.hi,
                          &t.max_bucket, &scratch))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = keys.len / 4;
    if (keys.len % 4 || sizes.len != n * 8 || alive.len != n || following.len % 8 || !n ||
        rows.len % (n * 4)) {
        PyErr_SetString(PyExc_ValueError,
                        "keys (uint32), sizes (float64), alive (one byte) need one entry per document, rows "
                        "(uint32) a row of n per permutation and following int64 row numbers");
        goto out;
    }
    Py_ssize_t num_perm = rows.len / (n * 4);
    t.extra = following.len / 8;
    for (Py_ssize_t e = 0; e < t.extra; e++) {
        int64_t r = ((const int64_t *)following.buf)[e];
        if (r < 0 || r >= num_perm) {
            PyErr_SetString(PyExc_ValueError, "a following row is outside the signature");
            goto out;
        }
    }
    if ((size_t)scratch.len < scratch_size(n)) {
        PyErr_SetString(PyExc_ValueError, "scratch is smaller than table_bytes(n)");
        goto out;
    }
    if (t.max_bucket < 2) {
        PyErr_SetString(PyExc_ValueError, "max_bucket must be at least 2");
        goto out;
    }
    t.rows = (const uint32_t *)rows.buf;
    t.following = (const int64_t *)following.buf;
    t.sizes = (const double *)sizes.buf;
    t.n = (uint64_t)n;
    t.codes = &codes;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = table_pairs(&t, (const uint32_t *)keys.buf, (const unsigned char *)alive.buf, (char *)scratch.buf);
    Py_END_ALLOW_THREADS
    if (status) {
        PyErr_NoMemory();
        goto out;
    }
    result = PyBytes_FromStringAndSize(codes.data ? codes.data : "", codes.len);
out:
    free(codes.data);
    PyBuffer_Release(&keys);
    PyBuffer_Release(&rows);
    PyBuffer_Release(&following);
    PyBuffer_Release(&sizes);
    PyBuffer_Release(&alive);
    PyBuffer_Release(&scratch);
    return result;
}

static PyObject *py_table_bytes(PyObject *self, PyObject *arg) {
    Py_ssize_t n = PyNumber_AsSsize_t(arg, PyExc_OverflowError);
    if (n == -1 && PyErr_Occurred()) return NULL;
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "n must not be negative");
        return NULL;
    }
    return PyLong_FromSize_t(scratch_size(n));
}

/* Sort n codes in place (LSD radix, 11 bits a pass, only as many passes as the largest
   code needs; tmp holds n more) and move the distinct ones to the front; returns how
   many. The band tables' pairs repeat (a close pair collides in most bands): a radix
   sort of the ~6 codes per distinct pair is several times faster than numpy's sort. */
static Py_ssize_t sort_unique(uint64_t *codes, uint64_t *tmp, Py_ssize_t n) {
    if (n < 2) return n;
    uint64_t top = 0;
    for (Py_ssize_t i = 0; i < n; i++) top |= codes[i];
    uint64_t *src = codes, *dst = tmp;
    for (int shift = 0; shift < 64 && (top >> shift); shift += 11) {
        Py_ssize_t count[2049] = {0};
        for (Py_ssize_t i = 0; i < n; i++) count[((src[i] >> shift) & 2047) + 1]++;
        for (int d = 0; d < 2048; d++) count[d + 1] += count[d];
        for (Py_ssize_t i = 0; i < n; i++) dst[count[(src[i] >> shift) & 2047]++] = src[i];
        uint64_t *swap = src;
        src = dst;
        dst = swap;
    }
    Py_ssize_t m = 1;
    codes[0] = src[0];
    for (Py_ssize_t i = 1; i < n; i++)
        if (src[i] != src[i - 1]) codes[m++] = src[i];
    return m;
}

static PyObject *py_sort_unique(PyObject *self, PyObject *args) {
    Py_buffer codes, tmp;
    if (!PyArg_ParseTuple(args, "w*w*", &codes, &tmp)) return NULL;
    Py_ssize_t m = -1;
    if (codes.len % 8 || tmp.len < codes.len) {
        PyErr_SetString(PyExc_ValueError, "codes must be uint64 and tmp at least as large");
    } else {
        Py_BEGIN_ALLOW_THREADS
        m = sort_unique((uint64_t *)codes.buf, (uint64_t *)tmp.buf, codes.len / 8);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&codes);
    PyBuffer_Release(&tmp);
    return m < 0 ? NULL : PyLong_FromSsize_t(m);
}

/* For each pair (a[i], b[i]), the number of signature rows on which the two agree. */
static PyObject *py_agreements(PyObject *self, PyObject *args) {
    Py_buffer sig, a, b, out;
    Py_ssize_t num_perm;
    if (!PyArg_ParseTuple(args, "y*ny*y*w*", &sig, &num_perm, &a, &b, &out)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t pairs = a.len / 8, n = num_perm > 0 ? sig.len / (num_perm * 4) : 0;
    if (num_perm < 1 || sig.len != n * num_perm * 4 || a.len % 8 || b.len != a.len || out.len != a.len) {
        PyErr_SetString(PyExc_ValueError, "hashvalues must be uint32 (n x num_perm), a, b and out int64 of one length");
        goto out;
    }
    const uint32_t *h = (const uint32_t *)sig.buf;
    const int64_t *pa = (const int64_t *)a.buf, *pb = (const int64_t *)b.buf;
    int64_t *po = (int64_t *)out.buf;
    for (Py_ssize_t i = 0; i < pairs; i++)
        if (pa[i] < 0 || pa[i] >= n || pb[i] < 0 || pb[i] >= n) {
            PyErr_SetString(PyExc_IndexError, "a pair names a row outside hashvalues");
            goto out;
        }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < pairs; i++) {
        const uint32_t *x = h + pa[i] * num_perm, *y = h + pb[i] * num_perm;
        int64_t same = 0;
        for (Py_ssize_t k = 0; k < num_perm; k++) same += x[k] == y[k];
        po[i] = same;
    }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
out:
    PyBuffer_Release(&sig);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&out);
    return result;
}

/* Size of the intersection of two ascending uint64 arrays of distinct values (a merge). */
static int64_t intersect(const uint64_t *x, Py_ssize_t nx, const uint64_t *y, Py_ssize_t ny) {
    int64_t same = 0;
    Py_ssize_t i = 0, j = 0;
    while (i < nx && j < ny) {
        uint64_t u = x[i], v = y[j];
        same += u == v;
        i += u <= v;
        j += v <= u;
    }
    return same;
}

/* For each pair (a[i], b[i]) of rows, the size of the intersection of their shingle sets;
   row r's set is blocks[block[r]][start[r]:stop[r]], ascending and distinct (uint64). */
static PyObject *py_overlaps(PyObject *self, PyObject *args) {
    PyObject *blocks_obj;
    Py_buffer block, start, stop, a, b, out;
    if (!PyArg_ParseTuple(args, "Oy*y*y*y*y*w*", &blocks_obj, &block, &start, &stop, &a, &b, &out)) return NULL;
    PyObject *result = NULL, *blocks = PySequence_Fast(blocks_obj, "blocks must be a sequence of uint64 buffers");
    Py_ssize_t nblocks = blocks ? PySequence_Fast_GET_SIZE(blocks) : 0, got = 0;
    Py_buffer *views = blocks ? PyMem_Calloc(nblocks ? nblocks : 1, sizeof(Py_buffer)) : NULL;
    if (!views) {
        if (blocks) PyErr_NoMemory();
        goto out;
    }
    for (; got < nblocks; got++) {
        if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(blocks, got), &views[got], PyBUF_C_CONTIGUOUS) < 0) goto out;
        if (views[got].len % 8) {
            got++;
            PyErr_SetString(PyExc_ValueError, "blocks must be uint64 buffers");
            goto out;
        }
    }
    Py_ssize_t rows = block.len / 8, pairs = a.len / 8;
    if (block.len % 8 || start.len != block.len || stop.len != block.len || a.len % 8 || b.len != a.len || out.len != a.len) {
        PyErr_SetString(PyExc_ValueError, "block, start and stop must be int64 of one length; a, b and out int64 of one length");
        goto out;
    }
    const int64_t *pk = (const int64_t *)block.buf, *ps = (const int64_t *)start.buf, *pe = (const int64_t *)stop.buf;
    const int64_t *pa = (const int64_t *)a.buf, *pb = (const int64_t *)b.buf;
    for (Py_ssize_t r = 0; r < rows; r++)
        if (pk[r] < 0 || pk[r] >= nblocks || ps[r] < 0 || ps[r] > pe[r] || pe[r] > views[pk[r]].len / 8) {
            PyErr_SetString(PyExc_IndexError, "a row's set lies outside its block");
            goto out;
        }
    for (Py_ssize_t i = 0; i < pairs; i++)
        if (pa[i] < 0 || pa[i] >= rows || pb[i] < 0 || pb[i] >= rows) {
            PyErr_SetString(PyExc_IndexError, "a pair names a row outside block");
            goto out;
        }
    int64_t *po = (int64_t *)out.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < pairs; i++) {
        int64_t x = pa[i], y = pb[i];
        po[i] = intersect((const uint64_t *)views[pk[x]].buf + ps[x], pe[x] - ps[x],
                          (const uint64_t *)views[pk[y]].buf + ps[y], pe[y] - ps[y]);
    }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
out:
    for (Py_ssize_t k = 0; k < got; k++) PyBuffer_Release(&views[k]);
    PyMem_Free(views);
    Py_XDECREF(blocks);
    PyBuffer_Release(&block);
    PyBuffer_Release(&start);
    PyBuffer_Release(&stop);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"agreements", py_agreements, METH_VARARGS,
     "agreements(hashvalues, num_perm, a, b, out): out[i] = the signature rows on which rows a[i] and b[i] "
     "of hashvalues (uint32, n x num_perm, C order) agree."},
    {"overlaps", py_overlaps, METH_VARARGS,
     "overlaps(blocks, block, start, stop, a, b, out): out[i] = the size of the intersection of the shingle "
     "sets of rows a[i] and b[i], row r's set being blocks[block[r]][start[r]:stop[r]] (ascending, distinct "
     "uint64); block, start, stop, a, b and out are int64."},
    {"sort_unique", py_sort_unique, METH_VARARGS,
     "sort_unique(codes, tmp) -> m: sort a writable uint64 buffer in place (tmp: as many bytes of scratch) "
     "and move its distinct values, ascending, to the front; returns how many there are."},
    {"table_pairs", py_table_pairs, METH_VARARGS, table_pairs_doc},
    {"table_bytes", py_table_bytes, METH_O, "table_bytes(n): the bytes of scratch table_pairs needs for n documents."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "dedup._bands", "The compiled kernels of dedup.index and dedup.cluster.", -1, methods,
};

PyMODINIT_FUNC PyInit__bands(void) { return PyModule_Create(&module); }
