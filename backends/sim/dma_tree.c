// SPDX-License-Identifier: MIT
/*
 * The container's mapping table, and the vaddr ranges its mappings pin.
 *
 * Layout.  Both are sets of non-overlapping ranges kept in a B+tree whose
 * leaves hold the entries themselves (struct sim_dma, 32 bytes), in order, up
 * to LEAF_MAX a leaf, chained left to right.  A mapping costs its 32 bytes
 * over the leaves' fill (half full at worst, about 70% after random inserts,
 * full after ascending ones: a full leaf that is appended to splits unevenly),
 * plus its share of a leaf's header, of malloc's chunk overhead and of the
 * inner nodes: 34 to 70 bytes, 50 after random inserts, against 80 for a
 * node of glibc's tsearch with a malloc'd mapping.  A lookup in a million
 * mappings reads 3 inner nodes, of which the top two stay in cache, and one
 * leaf, each prefetched as the descent reaches it (an inner node's keys, a
 * whole leaf) and searched without branches, so it pays about one cache miss
 * for the leaf where a pointer tree pays one for each of its ~20 levels below
 * the cached ones.
 *
 * Order.  Because ranges never overlap, the order by first byte is the order by
 * last byte.  The tree is searched by last byte: an inner node keeps, for each
 * child but the last, a bound that no last byte in that child exceeds (exact
 * when the child was split off, possibly loose after removals).  So a descent
 * by x reaches the first entry whose last byte is >= x, or, when a loose bound
 * sent it into a leaf that holds nothing that high, the leaf just before it:
 * the answer is then the next leaf's first entry.  That is "the lowest mapping
 * that ends at or after x", from which the kernel's vfio_find_dma() and
 * vfio_find_dma_first_node() follow with their own u64 arithmetic.  Changing an
 * entry's first byte in place is allowed as long as the order holds (the pin
 * table splits and merges ranges so); its last byte never changes in place.
 *
 * The finger.  Each tree remembers the leaf it found last, with the bound
 * below it and the position found in it: a map or an unmap looks at the same
 * entry or its neighbours four or five times (overlap, v2 split checks, the
 * removal, the next mapping), and all but the first skip the descent and most
 * of the binary search.  Any split, borrow or merge forgets it.
 *
 * Pointers into the table (struct sim_dma *, cursors) are valid until the next
 * insert or remove.
 *
 * The pin table.  MAP_DMA pins the pages (the kernel's EFAULT for memory that
 * is not mapped, or not writable for a WRITE mapping), which the sim can only
 * check with syscalls: msync and madvise(MADV_POPULATE_*), a microsecond or
 * more a map, when the table costs a few hundred nanoseconds.  So the table
 * also counts, per vaddr range, the live mappings whose check passed (and
 * those that passed it for write): a map whose range is wholly covered by such
 * counts skips the syscalls, as the memory is pinned by a live mapping.  A
 * range leaves the counts when its mapping is unmapped or its vaddr
 * invalidated, so memory that is freed after its mappings went is checked
 * again, and the kernel's EFAULT holds for it.  What this takes on trust:
 * memory the program frees while it is still DMA-mapped stays "pinned" for the
 * sim, and a new MAP_DMA of it succeeds where the kernel, whose pinned pages no
 * longer belong to any VMA of the process, answers EFAULT.  The device side
 * never trusts the table: it asks the kernel about the memory at each access
 * (vmcopy.c), which fails on memory that is gone instead of crashing, and such
 * a failure empties the pin table (dma_tree_unpin_all()), so the difference
 * ends at the first DMA through a stale mapping.  Counts only err low (an allocation failure drops the counts
 * of the range being updated; emptying the table leaves the mappings' flags,
 * and a removal then lowers counts that saturate at 0), so the table may forget
 * a pin, never invent one.  The pin table is kept to an eighth of the mapping
 * table's entries (pins_may_grow()): mappings of memory shared or adjacent
 * merge into a few ranges, scattered ones would cost a range each.
 */

#include <stdlib.h>
#include <string.h>

#include "sim_private.h"

#ifndef LEAF_MAX /* tests may build the file with small nodes */
#define LEAF_MAX 32
#endif
#ifndef INNER_MAX
#define INNER_MAX 64
#endif
#define LEAF_MIN (LEAF_MAX / 2)
#define INNER_MIN (INNER_MAX / 2)
#define MAX_HEIGHT 32 /* inner levels; 2^32 entries need 6 */

struct leaf {
	uint32_t n;
	struct leaf *next; /* the leaf to the right */
	struct sim_dma e[LEAF_MAX];
};

struct inner {
	uint32_t n;		     /* children, >= 2 except briefly at the root */
	uint64_t key[INNER_MAX - 1]; /* key[i]: no last byte in child i exceeds it */
	void *child[INNER_MAX];
};

struct path {
	struct inner *node[MAX_HEIGHT]; /* [0] is the root */
	unsigned int idx[MAX_HEIGHT];	/* the child taken in each */
};

static inline uint64_t last_of(const struct sim_dma *e)
{
	return e->iova + e->size - 1;
}

static inline void prefetch_node(const void *p, size_t size)
{
	const char *c = p;
	size_t off;

	for (off = 0; off < size; off += 64)
		__builtin_prefetch(c + off);
}

/*
 * The first entry of @l whose last byte is >= @x, or l->n.  The binary
 * searches here have no branch on the data (the answer lies in [lo, lo + n]
 * throughout): a lookup in a big table is a chain of cache misses, and
 * mispredictions on top of them cost as much again.
 */
static unsigned int leaf_lower(const struct leaf *l, uint64_t x)
{
	unsigned int lo = 0, n = l->n;

	if (!n)
		return 0;
	while (n > 1) {
		unsigned int half = n / 2;

		lo = last_of(&l->e[lo + half - 1]) < x ? lo + half : lo;
		n -= half;
	}
	return lo + (last_of(&l->e[lo]) < x);
}

/* The child of @in where the entries whose last bytes are >= @x begin. */
static unsigned int inner_lower(const struct inner *in, uint64_t x)
{
	unsigned int lo = 0, n = in->n - 1;

	if (!n)
		return 0;
	while (n > 1) {
		unsigned int half = n / 2;

		lo = in->key[lo + half - 1] < x ? lo + half : lo;
		n -= half;
	}
	return lo + (in->key[lo] < x);
}

static void finger_drop(struct sim_dma_btree *t)
{
	t->finger = NULL;
}

/* Is @p what leaf_lower(@l, @x) answers? */
static bool lower_is(const struct leaf *l, unsigned int p, uint64_t x)
{
	return p < l->n && last_of(&l->e[p]) >= x && (!p || last_of(&l->e[p - 1]) < x);
}

/*
 * leaf_lower() in the finger's leaf, trying first where the last search there
 * ended and its neighbours: a map or an unmap asks about the same entry or the
 * next one several times, and each binary search is a chain of dependent loads.
 */
static unsigned int finger_lower(const struct sim_dma_btree *ct, uint64_t x)
{
	struct sim_dma_btree *t = (struct sim_dma_btree *)ct;
	const struct leaf *f = t->finger;
	unsigned int p = t->finger_pos;

	if (!lower_is(f, p, x)) {
		if (p && lower_is(f, p - 1, x))
			p--;
		else if (lower_is(f, p + 1, x))
			p++;
		else
			p = leaf_lower(f, x);
	}
	t->finger_pos = p;
	return p;
}

/* Is the first entry whose last byte is >= @x in the finger's leaf? */
static bool finger_has(const struct sim_dma_btree *t, uint64_t x)
{
	const struct leaf *f = t->finger;

	return f && (t->finger_first || x > t->finger_lo) && x <= last_of(&f->e[f->n - 1]);
}

/*
 * The leaf where the entries whose last bytes are >= @x begin (or the one
 * before it, see above), and the path to it in @p when asked.  The leaf found
 * last is remembered with the bound below it (the "finger"): lookups close to
 * the last one, as a map or an unmap makes several, skip the descent.
 */
static struct leaf *descend(const struct sim_dma_btree *ct, uint64_t x, struct path *p)
{
	struct sim_dma_btree *t = (struct sim_dma_btree *)ct; /* the finger is a cache */
	struct leaf *f = t->finger;
	uint64_t lo = 0;
	bool first = true;
	void *n = t->root;
	unsigned int h;

	if (!p && finger_has(t, x))
		return f;
	for (h = 0; h < t->height; h++) {
		struct inner *in = n;
		unsigned int i;

		i = inner_lower(in, x);
		if (p) {
			p->node[h] = in;
			p->idx[h] = i;
		}
		if (i) {
			lo = in->key[i - 1];
			first = false;
		}
		n = in->child[i];
		/* the keys of an inner node (one child pointer is read), a whole leaf */
		prefetch_node(n, h + 1 < t->height ? offsetof(struct inner, child) :
						     sizeof(struct leaf));
	}
	t->finger = n;
	t->finger_lo = lo;
	t->finger_first = first;
	return n;
}

/* The first entry whose last byte is >= @x. */
static struct sim_dma *bt_lower(const struct sim_dma_btree *t, uint64_t x,
				struct sim_dma_cursor *cur)
{
	struct leaf *l;
	unsigned int pos;

	if (!t->root)
		return NULL;
	l = descend(t, x, NULL);
	if (!l->n)
		return NULL; /* an empty root leaf */
	pos = finger_lower(t, x);
	if (pos == l->n) {
		l = l->next;
		pos = 0;
		if (!l)
			return NULL;
	}
	if (cur) {
		cur->leaf = l;
		cur->idx = pos;
	}
	return &l->e[pos];
}

static struct sim_dma *cursor_next(struct sim_dma_cursor *cur)
{
	struct leaf *l = cur->leaf;

	if (++cur->idx >= l->n) {
		l = l->next;
		cur->leaf = l;
		cur->idx = 0;
		if (!l)
			return NULL;
	}
	return &l->e[cur->idx];
}

/* ---- insert ---- */

/* Where a full leaf splits when an entry goes in at @pos: keep appends dense. */
static unsigned int leaf_split_point(unsigned int pos)
{
	if (pos == LEAF_MAX)
		return LEAF_MAX; /* ascending: the left stays full */
	if (pos == 0)
		return 1; /* descending: the right stays full */
	return (LEAF_MAX + 1) / 2;
}

static int bt_insert_entry(struct sim_dma_btree *t, const struct sim_dma *d)
{
	struct sim_dma tmp[LEAF_MAX + 1];
	struct inner *spare[MAX_HEIGHT + 1];
	unsigned int nspare = 0, pos, h, i, k, left;
	struct leaf *l, *r;
	struct path p;
	uint64_t x = last_of(d), sep;
	void *right;

	if (!t->root) {
		l = malloc(sizeof(*l));
		if (!l)
			return -ENOMEM;
		l->n = 1;
		l->next = NULL;
		l->e[0] = *d;
		t->root = l;
		t->height = 0;
		finger_drop(t);
		return 0;
	}
	if (finger_has(t, x) && ((struct leaf *)t->finger)->n < LEAF_MAX)
		l = t->finger; /* no split: the path is not needed */
	else
		l = descend(t, x, &p);
	pos = finger_lower(t, x);
	if (l->n < LEAF_MAX) {
		memmove(&l->e[pos + 1], &l->e[pos], (l->n - pos) * sizeof(l->e[0]));
		l->e[pos] = *d;
		l->n++;
		return 0;
	}

	/* Allocate everything the splits will need first: failing leaves no trace. */
	for (h = t->height; h > 0 && p.node[h - 1]->n == INNER_MAX; h--)
		;
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (k = 0; k < t->height - h + (h == 0); k++) {
		spare[k] = malloc(sizeof(struct inner));
		if (!spare[k]) {
			while (k)
				free(spare[--k]);
			free(r);
			return -ENOMEM;
		}
	}

	/* Split the leaf. */
	finger_drop(t);
	memcpy(tmp, l->e, pos * sizeof(tmp[0]));
	tmp[pos] = *d;
	memcpy(&tmp[pos + 1], &l->e[pos], (LEAF_MAX - pos) * sizeof(tmp[0]));
	left = leaf_split_point(pos);
	memcpy(l->e, tmp, left * sizeof(tmp[0]));
	l->n = left;
	memcpy(r->e, &tmp[left], (LEAF_MAX + 1 - left) * sizeof(tmp[0]));
	r->n = LEAF_MAX + 1 - left;
	r->next = l->next;
	l->next = r;
	sep = last_of(&l->e[left - 1]);
	right = r;

	/* Hand (sep, right) to the parents, splitting the full ones. */
	for (h = t->height; h > 0; h--) {
		struct inner *in = p.node[h - 1], *nr;
		uint64_t keys[INNER_MAX];
		void *kids[INNER_MAX + 1];

		i = p.idx[h - 1];
		if (in->n < INNER_MAX) {
			memmove(&in->key[i + 1], &in->key[i], (in->n - 1 - i) * sizeof(in->key[0]));
			memmove(&in->child[i + 2], &in->child[i + 1],
				(in->n - 1 - i) * sizeof(in->child[0]));
			in->key[i] = sep;
			in->child[i + 1] = right;
			in->n++;
			return 0;
		}
		/* keys/kids as if the node could hold one more child */
		memcpy(keys, in->key, i * sizeof(keys[0]));
		keys[i] = sep;
		memcpy(&keys[i + 1], &in->key[i], (INNER_MAX - 1 - i) * sizeof(keys[0]));
		memcpy(kids, in->child, (i + 1) * sizeof(kids[0]));
		kids[i + 1] = right;
		memcpy(&kids[i + 2], &in->child[i + 1], (INNER_MAX - 1 - i) * sizeof(kids[0]));
		/* the left keeps @left children; both sides keep two at least */
		if (i + 1 == INNER_MAX)
			left = INNER_MAX - 1; /* ascending */
		else if (i == 0)
			left = 2; /* descending */
		else
			left = (INNER_MAX + 1) / 2;
		nr = spare[nspare++];
		memcpy(in->key, keys, (left - 1) * sizeof(keys[0]));
		memcpy(in->child, kids, left * sizeof(kids[0]));
		in->n = left;
		sep = keys[left - 1];
		nr->n = INNER_MAX + 1 - left;
		memcpy(nr->key, &keys[left], (nr->n - 1) * sizeof(keys[0]));
		memcpy(nr->child, &kids[left], nr->n * sizeof(kids[0]));
		right = nr;
	}

	/* The root split: a new root above it. */
	{
		struct inner *root = spare[nspare++];

		root->n = 2;
		root->key[0] = sep;
		root->child[0] = t->root;
		root->child[1] = right;
		t->root = root;
		t->height++;
	}
	return 0;
}

static int bt_insert(struct sim_dma_btree *t, const struct sim_dma *d)
{
	int ret = bt_insert_entry(t, d);

	t->count += !ret;
	return ret;
}

/* ---- remove ---- */

/* Child @i of @in has fewer than the minimum: take some from a sibling, or merge. */
static void fix_leaf(struct inner *in, unsigned int i)
{
	struct leaf *c = in->child[i], *a, *b;
	unsigned int k;

	if (i > 0) {
		struct leaf *s = in->child[i - 1];

		if (s->n > LEAF_MIN) {
			k = (s->n - c->n + 1) / 2;
			memmove(&c->e[k], c->e, c->n * sizeof(c->e[0]));
			memcpy(c->e, &s->e[s->n - k], k * sizeof(c->e[0]));
			s->n -= k;
			c->n += k;
			in->key[i - 1] = last_of(&s->e[s->n - 1]);
			return;
		}
		a = s;
		b = c;
		i--;
	} else {
		struct leaf *s = in->child[1];

		if (s->n > LEAF_MIN) {
			k = (s->n - c->n + 1) / 2;
			memcpy(&c->e[c->n], s->e, k * sizeof(c->e[0]));
			memmove(s->e, &s->e[k], (s->n - k) * sizeof(s->e[0]));
			s->n -= k;
			c->n += k;
			in->key[0] = last_of(&c->e[c->n - 1]);
			return;
		}
		a = c;
		b = s;
	}
	/* merge b into a (children i and i + 1) */
	memcpy(&a->e[a->n], b->e, b->n * sizeof(a->e[0]));
	a->n += b->n;
	a->next = b->next;
	free(b);
	memmove(&in->key[i], &in->key[i + 1], (in->n - 2 - i) * sizeof(in->key[0]));
	memmove(&in->child[i + 1], &in->child[i + 2], (in->n - 2 - i) * sizeof(in->child[0]));
	in->n--;
}

static void fix_inner(struct inner *in, unsigned int i)
{
	struct inner *c = in->child[i], *a, *b;
	unsigned int k;

	if (i > 0) {
		struct inner *s = in->child[i - 1];

		if (s->n > INNER_MIN) {
			/* s's last k children go to the front of c */
			k = (s->n - c->n + 1) / 2;
			memmove(&c->key[k], c->key, (c->n - 1) * sizeof(c->key[0]));
			memmove(&c->child[k], c->child, c->n * sizeof(c->child[0]));
			memcpy(c->key, &s->key[s->n - k], (k - 1) * sizeof(c->key[0]));
			c->key[k - 1] = in->key[i - 1];
			memcpy(c->child, &s->child[s->n - k], k * sizeof(c->child[0]));
			in->key[i - 1] = s->key[s->n - k - 1];
			s->n -= k;
			c->n += k;
			return;
		}
		a = s;
		b = c;
		i--;
	} else {
		struct inner *s = in->child[1];

		if (s->n > INNER_MIN) {
			/* s's first k children go to the end of c */
			k = (s->n - c->n + 1) / 2;
			c->key[c->n - 1] = in->key[0];
			memcpy(&c->key[c->n], s->key, (k - 1) * sizeof(c->key[0]));
			memcpy(&c->child[c->n], s->child, k * sizeof(c->child[0]));
			in->key[0] = s->key[k - 1];
			memmove(s->key, &s->key[k], (s->n - 1 - k) * sizeof(s->key[0]));
			memmove(s->child, &s->child[k], (s->n - k) * sizeof(s->child[0]));
			s->n -= k;
			c->n += k;
			return;
		}
		a = c;
		b = s;
	}
	/* merge b into a (children i and i + 1) */
	a->key[a->n - 1] = in->key[i];
	memcpy(&a->key[a->n], b->key, (b->n - 1) * sizeof(a->key[0]));
	memcpy(&a->child[a->n], b->child, b->n * sizeof(a->child[0]));
	a->n += b->n;
	free(b);
	memmove(&in->key[i], &in->key[i + 1], (in->n - 2 - i) * sizeof(in->key[0]));
	memmove(&in->child[i + 1], &in->child[i + 2], (in->n - 2 - i) * sizeof(in->child[0]));
	in->n--;
}

/* Removes the entry whose last byte is @last (it must be there). */
static void bt_remove(struct sim_dma_btree *t, uint64_t last)
{
	struct leaf *l = t->finger;
	unsigned int pos, h;
	struct path p;

	/* the path is needed only when the leaf runs low */
	if (!finger_has(t, last) || l->n <= (t->height ? LEAF_MIN : 1))
		l = descend(t, last, &p);
	pos = finger_lower(t, last);
	if (pos >= l->n || last_of(&l->e[pos]) != last)
		return; /* not there (callers remove only what they found): nothing to do */
	memmove(&l->e[pos], &l->e[pos + 1], (l->n - pos - 1) * sizeof(l->e[0]));
	l->n--;
	t->count--;
	if (!t->height) {
		if (!l->n) {
			free(l);
			t->root = NULL;
			finger_drop(t);
		}
		return;
	}
	if (l->n >= LEAF_MIN)
		return;
	finger_drop(t);
	fix_leaf(p.node[t->height - 1], p.idx[t->height - 1]);
	for (h = t->height - 1; h > 0; h--) {
		if (p.node[h]->n >= INNER_MIN)
			return;
		fix_inner(p.node[h - 1], p.idx[h - 1]);
	}
	if (((struct inner *)t->root)->n == 1) {
		struct inner *root = t->root;

		t->root = root->child[0];
		t->height--;
		free(root);
	}
}

static void free_node(void *n, unsigned int height)
{
	if (height) {
		struct inner *in = n;
		unsigned int i;

		for (i = 0; i < in->n; i++)
			free_node(in->child[i], height - 1);
	}
	free(n);
}

static void bt_clear(struct sim_dma_btree *t)
{
	if (t->root)
		free_node(t->root, t->height);
	t->root = NULL;
	t->height = 0;
	t->count = 0;
	finger_drop(t);
}

/* ---- the pin table: counted vaddr ranges, [a, l] with l the last byte ---- */

static int pin_insert(struct sim_dma_btree *t, uint64_t a, uint64_t l, uint32_t pins,
		      uint32_t wpins)
{
	struct sim_dma s = { .iova = a, .size = l - a + 1 };

	s.pins = pins;
	s.wpins = wpins;
	return bt_insert(t, &s);
}

/* Forgets every count that touches [a, l]: what an allocation failure leaves. */
static void pins_drop(struct sim_dma_btree *t, uint64_t a, uint64_t l)
{
	struct sim_dma *s;

	while ((s = bt_lower(t, a, NULL)) && s->iova <= l)
		bt_remove(t, last_of(s));
}

static bool mergeable(const struct sim_dma *s, const struct sim_dma *n)
{
	return last_of(s) + 1 == n->iova && s->pins == n->pins && s->wpins == n->wpins;
}

/* Merges the neighbours with equal counts around [a, l], to keep the table small. */
static void pins_merge(struct sim_dma_btree *t, uint64_t a, uint64_t l)
{
	struct sim_dma_cursor cur;
	struct sim_dma *s, *n;
	uint64_t x = a ? a - 1 : 0;

again:
	for (s = bt_lower(t, x, &cur); s && s->iova <= l; s = n) {
		uint64_t slast = last_of(s), start = s->iova;

		n = cursor_next(&cur);
		if (!n)
			return;
		if (mergeable(s, n)) {
			n->size += n->iova - start;
			n->iova = start; /* n now covers s: s goes */
			bt_remove(t, slast);
			x = start; /* the merged range, with what follows it */
			goto again;
		}
	}
}

/* The counts of the range at @cur, [a, l], changed in place: merge it if it now can. */
static void pins_settle(struct sim_dma_btree *t, const struct sim_dma_cursor *cur, uint64_t a,
			uint64_t l)
{
	const struct leaf *f = cur->leaf;
	const struct sim_dma *s = &f->e[cur->idx], *n = NULL;

	if (cur->idx + 1 < f->n)
		n = s + 1;
	else if (f->next)
		n = &f->next->e[0];
	if (cur->idx && !mergeable(s - 1, s) && !(n && mergeable(s, n)))
		return; /* the common case: a range with its own counts */
	pins_merge(t, a, l);
}

/* Splits range @s, which starts before @p, in two at @p (the counts go to both). */
static int split_at(struct sim_dma_btree *t, struct sim_dma *s, uint64_t p)
{
	uint64_t start = s->iova;

	s->size -= p - start;
	s->iova = p;
	return pin_insert(t, start, p - 1, s->pins, s->wpins);
}

/* The counts of a range less one pinned mapping (for write when @w): they err low. */
static void counts_less_one(const struct sim_dma *s, bool w, uint32_t *pins, uint32_t *wpins)
{
	*pins = s->pins ? s->pins - 1 : 0;
	*wpins = w && s->wpins ? s->wpins - 1 : s->wpins;
	if (*wpins > *pins)
		*wpins = *pins;
}

/*
 * The live pinned mappings now include [a, l] (for write too when @w).  Unless
 * @grow, only when that adds no range to the table: -ENOSPC, nothing done.
 */
static int pins_add(struct sim_dma_btree *t, uint64_t a, uint64_t l, bool w, bool grow)
{
	struct sim_dma_cursor cur;
	struct sim_dma *s = bt_lower(t, a, &cur);
	uint64_t p = a;
	int ret = 0;

	if (s && s->iova == a && last_of(s) == l) { /* the range is there: count it */
		s->pins++;
		s->wpins += w;
		pins_settle(t, &cur, a, l);
		return 0;
	}
	if (!grow)
		return -ENOSPC;
	for (;;) {
		s = bt_lower(t, p, NULL);
		if (!s || s->iova > l) { /* a gap to the end */
			ret = pin_insert(t, p, l, 1, w);
			break;
		}
		if (s->iova > p) { /* a gap before s (which the insert may move) */
			uint64_t next = s->iova;

			ret = pin_insert(t, p, next - 1, 1, w);
			if (ret)
				break;
			p = next;
			continue;
		}
		if (s->iova < p) { /* s starts before: split it at p */
			ret = split_at(t, s, p);
			if (ret)
				break;
			continue;
		}
		if (last_of(s) > l) { /* s ends after: split it after l */
			uint32_t pins = s->pins + 1, wpins = s->wpins + w;

			s->size -= l + 1 - p;
			s->iova = l + 1;
			ret = pin_insert(t, p, l, pins, wpins);
			break;
		}
		s->pins++;
		s->wpins += w;
		if (last_of(s) == l)
			break;
		p = last_of(s) + 1;
	}
	if (ret)
		pins_drop(t, a, l);
	else
		pins_merge(t, a, l);
	return ret;
}

/* A pinned mapping of [a, l] went: its counts go (saturating: they err low). */
static void pins_del(struct sim_dma_btree *t, uint64_t a, uint64_t l, bool w)
{
	struct sim_dma_cursor cur;
	struct sim_dma *s = bt_lower(t, a, &cur);
	uint64_t p = a;
	int ret = 0;

	if (s && s->iova == a && last_of(s) == l && s->pins > 1) { /* the range stays */
		counts_less_one(s, w, &s->pins, &s->wpins);
		pins_settle(t, &cur, a, l);
		return;
	}
	for (;;) {
		uint32_t pins, wpins;
		uint64_t slast;

		s = bt_lower(t, p, NULL);
		if (!s || s->iova > l)
			break;
		if (s->iova < p) { /* s starts before: split it at p */
			ret = split_at(t, s, p);
			if (ret)
				break;
			continue;
		}
		counts_less_one(s, w, &pins, &wpins);
		slast = last_of(s);
		if (slast > l) { /* s ends after: [s->iova, l] gets the lower counts */
			uint64_t start = s->iova;

			s->size -= l + 1 - start;
			s->iova = l + 1;
			if (pins)
				ret = pin_insert(t, start, l, pins, wpins);
			break;
		}
		if (pins) {
			s->pins = pins;
			s->wpins = wpins;
		} else {
			bt_remove(t, slast);
		}
		if (slast == l)
			break;
		p = slast + 1;
	}
	if (ret)
		pins_drop(t, a, l);
	else
		pins_merge(t, a, l);
}

/* ---- the table ---- */

/*
 * Mappings of scattered memory would give the pin table a range each, and it
 * would cost as much as the mapping table itself: past an eighth of it, a
 * mapping is counted only where its range is in the table already.  Such
 * memory rarely has two mappings, and a count saves nothing else.
 */
static bool pins_may_grow(const struct sim_dma_tree *t)
{
	return t->pins.count < t->count / 8 + 256;
}

int dma_tree_insert(struct sim_dma_tree *t, const struct sim_dma *d)
{
	struct sim_dma e = *d;
	int ret;

	if (e.pinned)
		e.pinned = !pins_add(&t->pins, e.vaddr, e.vaddr + e.size - 1,
				     e.prot & VFIO_DMA_MAP_FLAG_WRITE, pins_may_grow(t));
	ret = bt_insert(&t->map, &e);
	if (ret) {
		if (e.pinned)
			pins_del(&t->pins, e.vaddr, e.vaddr + e.size - 1,
				 e.prot & VFIO_DMA_MAP_FLAG_WRITE);
		return ret;
	}
	t->count++;
	return 0;
}

/* Removes @d; returns the mapping that followed it (rb_next's answer), or NULL. */
struct sim_dma *dma_tree_remove(struct sim_dma_tree *t, const struct sim_dma *d)
{
	struct sim_dma e = *d;
	uint64_t last = last_of(&e);

	bt_remove(&t->map, last);
	t->count--;
	if (e.pinned)
		pins_del(&t->pins, e.vaddr, e.vaddr + e.size - 1, e.prot & VFIO_DMA_MAP_FLAG_WRITE);
	return last == UINT64_MAX ? NULL : bt_lower(&t->map, last + 1, NULL);
}

/* The candidate for both searches below: the top mapping, whose end wraps to 0, never is. */
static struct sim_dma *candidate(const struct sim_dma_tree *t, uint64_t start,
				 struct sim_dma_cursor *cur)
{
	struct sim_dma *d = bt_lower(&t->map, start, cur);

	return d && d->iova + d->size ? d : NULL;
}

/*
 * The lowest mapping that ends after @start, if it begins before start + size
 * (any size when @size is 0): vfio_find_dma_first_node's answer, with its u64
 * arithmetic.
 */
struct sim_dma *dma_tree_first(const struct sim_dma_tree *t, uint64_t start, uint64_t size)
{
	struct sim_dma *d = candidate(t, start, NULL);

	if (d && size && d->iova >= start + size)
		d = NULL;
	return d;
}

/*
 * A mapping that overlaps [start, start + size): vfio_find_dma's answer.  The
 * overlapping mappings are consecutive, so the lowest that ends at or after
 * @start answers for all of them.
 */
struct sim_dma *dma_tree_find(const struct sim_dma_tree *t, uint64_t start, uint64_t size)
{
	struct sim_dma *d = candidate(t, start, NULL);

	if (d && (start + size <= d->iova || start >= d->iova + d->size))
		d = NULL;
	return d;
}

/* The mapping after @d, which is in the table: rb_next's answer. */
struct sim_dma *dma_tree_next(const struct sim_dma_tree *t, const struct sim_dma *d)
{
	uint64_t last = last_of(d);

	return last == UINT64_MAX ? NULL : bt_lower(&t->map, last + 1, NULL);
}

/* The mapping that holds byte @iova (dma_tree_find(t, iova, 1)), and a cursor on it. */
const struct sim_dma *dma_tree_lookup(const struct sim_dma_tree *t, uint64_t iova,
				      struct sim_dma_cursor *cur)
{
	struct sim_dma *d = candidate(t, iova, cur);

	if (d && (iova + 1 <= d->iova || iova >= d->iova + d->size))
		d = NULL;
	return d;
}

/* The mapping after the cursor's, in IOVA order, or NULL. */
const struct sim_dma *dma_tree_cursor_next(struct sim_dma_cursor *cur)
{
	const struct sim_dma *d = cur->leaf ? cursor_next(cur) : NULL;

	return d && d->iova + d->size ? d : NULL;
}

/* Is all of [vaddr, vaddr + size) pinned by live mappings, for write when @prot has WRITE? */
bool dma_tree_pinned(const struct sim_dma_tree *t, uint64_t vaddr, uint64_t size, uint32_t prot)
{
	bool w = prot & VFIO_DMA_MAP_FLAG_WRITE;
	uint64_t p = vaddr, l = vaddr + size - 1;
	struct sim_dma_cursor cur;
	const struct sim_dma *s;

	if (!size || l < vaddr)
		return false;
	for (s = bt_lower(&t->pins, p, &cur); s; s = cursor_next(&cur)) {
		if (s->iova > p || !s->pins || (w && !s->wpins))
			return false;
		if (last_of(s) >= l)
			return true;
		p = last_of(s) + 1;
	}
	return false;
}

/* @d's vaddr no longer counts as pinned (VFIO_DMA_UNMAP_FLAG_VADDR). */
void dma_tree_unpin(struct sim_dma_tree *t, struct sim_dma *d)
{
	if (!d->pinned)
		return;
	d->pinned = false;
	pins_del(&t->pins, d->vaddr, d->vaddr + d->size - 1, d->prot & VFIO_DMA_MAP_FLAG_WRITE);
}

/*
 * Nothing counts as pinned any more: the device side found memory gone.  The
 * mappings keep their flag; their counts are gone, and removing them later
 * only lowers counts that saturate at 0.
 */
void dma_tree_unpin_all(struct sim_dma_tree *t)
{
	bt_clear(&t->pins);
}

void dma_tree_clear(struct sim_dma_tree *t)
{
	bt_clear(&t->map);
	bt_clear(&t->pins);
	t->count = 0;
}
