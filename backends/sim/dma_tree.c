// SPDX-License-Identifier: MIT
/*
 * The container's mapping table: an AVL tree of non-overlapping mappings keyed
 * by IOVA.  Because mappings never overlap, the order by start is also the order
 * by end, which the range searches below rely on.  Every operation is
 * O(log n); dma_entry_limit allows 65535 mappings per container.
 */

#include <stdlib.h>

#include "sim_private.h"

static int height(const struct sim_dma *n)
{
	return n ? n->height : 0;
}

static void update(struct sim_dma *n)
{
	int l = height(n->left), r = height(n->right);

	n->height = (l > r ? l : r) + 1;
}

static struct sim_dma *rotate_right(struct sim_dma *n)
{
	struct sim_dma *l = n->left;

	n->left = l->right;
	l->right = n;
	update(n);
	update(l);
	return l;
}

static struct sim_dma *rotate_left(struct sim_dma *n)
{
	struct sim_dma *r = n->right;

	n->right = r->left;
	r->left = n;
	update(n);
	update(r);
	return r;
}

static struct sim_dma *rebalance(struct sim_dma *n)
{
	int balance;

	update(n);
	balance = height(n->left) - height(n->right);
	if (balance > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (balance < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	return n;
}

static struct sim_dma *insert(struct sim_dma *root, struct sim_dma *d)
{
	if (!root)
		return d;
	if (d->iova < root->iova)
		root->left = insert(root->left, d);
	else
		root->right = insert(root->right, d);
	return rebalance(root);
}

void dma_tree_insert(struct sim_dma_tree *t, struct sim_dma *d)
{
	d->left = d->right = NULL;
	d->height = 1;
	t->root = insert(t->root, d);
	t->count++;
}

/* Unlinks the smallest node of @root into *min; returns the new subtree. */
static struct sim_dma *take_min(struct sim_dma *root, struct sim_dma **min)
{
	if (!root->left) {
		*min = root;
		return root->right;
	}
	root->left = take_min(root->left, min);
	return rebalance(root);
}

static struct sim_dma *remove_node(struct sim_dma *root, const struct sim_dma *d)
{
	struct sim_dma *min;

	if (!root)
		return NULL;
	if (d->iova < root->iova) {
		root->left = remove_node(root->left, d);
	} else if (d->iova > root->iova) {
		root->right = remove_node(root->right, d);
	} else {
		if (!root->left)
			return root->right;
		if (!root->right)
			return root->left;
		root->right = take_min(root->right, &min);
		min->left = root->left;
		min->right = root->right;
		return rebalance(min);
	}
	return rebalance(root);
}

void dma_tree_remove(struct sim_dma_tree *t, struct sim_dma *d)
{
	t->root = remove_node(t->root, d);
	t->count--;
}

/*
 * The lowest mapping that ends after @start, if it begins before start + size
 * (any size when @size is 0): vfio_find_dma_first_node's answer, with its u64
 * arithmetic.
 */
struct sim_dma *dma_tree_first(const struct sim_dma_tree *t, uint64_t start, uint64_t size)
{
	struct sim_dma *n = t->root, *res = NULL;

	while (n) {
		if (start < n->iova + n->size) {
			res = n;
			if (start >= n->iova)
				break;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	if (res && size && res->iova >= start + size)
		res = NULL;
	return res;
}

/* Some mapping that overlaps [start, start + size): vfio_find_dma's answer. */
struct sim_dma *dma_tree_find(const struct sim_dma_tree *t, uint64_t start, uint64_t size)
{
	struct sim_dma *n = t->root;

	while (n) {
		if (start + size <= n->iova)
			n = n->left;
		else if (start >= n->iova + n->size)
			n = n->right;
		else
			return n;
	}
	return NULL;
}

struct sim_dma *dma_tree_next(const struct sim_dma_tree *t, const struct sim_dma *d)
{
	struct sim_dma *n = t->root, *res = NULL;

	while (n) {
		if (n->iova > d->iova) {
			res = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return res;
}

static void free_all(struct sim_dma *n)
{
	while (n) {
		struct sim_dma *r = n->right;

		free_all(n->left);
		free(n);
		n = r;
	}
}

void dma_tree_clear(struct sim_dma_tree *t)
{
	free_all(t->root);
	t->root = NULL;
	t->count = 0;
}
