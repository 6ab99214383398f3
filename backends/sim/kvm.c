// SPDX-License-Identifier: MIT
/*
 * The KVM VFIO pseudo-device (virt/kvm/vfio.c): KVM_SET_DEVICE_ATTR with group
 * KVM_DEV_VFIO_FILE adds and removes VFIO group and device files.  The device
 * holds a reference to each file it was given, as KVM does, so a group closed
 * by the user stays open (and in its container) until KVM lets it go.
 */

#include <errno.h>
#include <stdlib.h>

#include "sim_private.h"

#define KVM_VFIO_FILE 1	    /* KVM_DEV_VFIO_FILE, formerly KVM_DEV_VFIO_GROUP */
#define KVM_VFIO_FILE_ADD 1 /* KVM_DEV_VFIO_FILE_ADD */
#define KVM_VFIO_FILE_DEL 2 /* KVM_DEV_VFIO_FILE_DEL */

int vfio_sim_kvm_device_new(struct vfio_sim *sim, int *fd)
{
	struct sim_kvm *k;
	struct sim_file *f;
	int kfd, ret;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	kfd = sim_memfd("kvm-vfio");
	if (kfd < 0) {
		free(k);
		return kfd;
	}
	sim_lock(sim);
	ret = sim_file_new(sim, SIM_FILE_KVM, kfd, &f);
	if (ret) {
		sim_unlock(sim);
		sim_close_fd(&kfd);
		free(k);
		return ret;
	}
	f->u.kvm = k;
	k->file = f;
	k->next = sim->kvms;
	sim->kvms = k;
	sim_unlock(sim);
	*fd = kfd;
	return 0;
}

/* kvm_vfio_release: every file it holds is put. */
void sim_kvm_release(struct vfio_sim *sim, struct sim_kvm *k)
{
	struct sim_kvm **p;
	size_t i;

	for (p = &sim->kvms; *p; p = &(*p)->next) {
		if (*p == k) {
			*p = k->next;
			break;
		}
	}
	for (i = 0; i < k->nr; i++)
		sim_file_put(sim, k->entries[i]);
	free(k->entries);
	free(k);
}

static int file_add(struct vfio_sim *sim, struct sim_kvm *k, int32_t fd)
{
	struct sim_file *f = sim_file_lookup(sim, fd);
	size_t i;

	if (!f)
		return sim_errno_not_vfio(fd) ? -EBADF : -EINVAL;
	if (f->type != SIM_FILE_GROUP && f->type != SIM_FILE_DEVICE)
		return -EINVAL; /* not a VFIO group or device file */
	for (i = 0; i < k->nr; i++)
		if (k->entries[i] == f)
			return -EEXIST;
	if (k->nr == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 4;
		struct sim_file **e = realloc(k->entries, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		k->entries = e;
		k->cap = cap;
	}
	k->entries[k->nr++] = f;
	sim_file_get(f);
	return 0;
}

static int file_del(struct vfio_sim *sim, struct sim_kvm *k, int32_t fd)
{
	struct sim_file *f = sim_file_lookup(sim, fd);
	size_t i;

	if (!f && sim_errno_not_vfio(fd))
		return -EBADF;
	for (i = 0; f && i < k->nr; i++) {
		if (k->entries[i] == f) {
			k->entries[i] = k->entries[--k->nr];
			sim_file_put(sim, f);
			return 0;
		}
	}
	return -ENOENT;
}

int sim_kvm_set_attr(struct vfio_backend *be, int fd, const struct kvm_device_attr *attr)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_file *f;
	int32_t vfd;
	int ret;

	sim_lock(sim);
	f = sim_file_lookup(sim, fd);
	if (!f) {
		ret = -EBADF;
	} else if (f->type != SIM_FILE_KVM) {
		ret = sim_wrong_handle(f);
	} else if (!attr) {
		ret = -EFAULT;
	} else if (attr->group != KVM_VFIO_FILE ||
		   (attr->attr != KVM_VFIO_FILE_ADD && attr->attr != KVM_VFIO_FILE_DEL)) {
		ret = -ENXIO;
	} else if (!attr->addr || sim_copy_process(&vfd, attr->addr, sizeof(vfd), false)) {
		ret = -EFAULT; /* get_user */
	} else if (attr->attr == KVM_VFIO_FILE_ADD) {
		ret = file_add(sim, f->u.kvm, vfd);
	} else {
		ret = file_del(sim, f->u.kvm, vfd);
	}
	sim_unlock(sim);
	return ret;
}

int vfio_sim_kvm_has_group(struct vfio_sim *sim, int kvm_fd, unsigned int id)
{
	struct sim_file *f;
	struct sim_kvm *k;
	int ret = 0;
	size_t i;

	sim_lock(sim);
	f = sim_file_lookup(sim, kvm_fd);
	if (!f || f->type != SIM_FILE_KVM) {
		ret = -EBADF;
	} else {
		k = f->u.kvm;
		for (i = 0; i < k->nr; i++) {
			const struct sim_file *e = k->entries[i];

			if (e->type == SIM_FILE_GROUP && e->u.group->id == id)
				ret = 1;
		}
	}
	sim_unlock(sim);
	return ret;
}
