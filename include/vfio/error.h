/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_ERROR_H
#define LIBVFIO_VFIO_ERROR_H

/*
 * Errors.
 *
 * Every libvfio function that can fail returns 0 or a negative errno.  Beside the
 * errno it leaves a message for the calling thread naming the operation and the
 * object, e.g. "VFIO_GROUP_GET_DEVICE_FD 0000:00:04.0 on group 12: No such device".
 *
 * Thread safety: the message is per thread; reading it never races with
 * another thread's calls.
 */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * vfio_last_error() - the message left by this thread's last failed call
 *
 * The message stays until the next failed call on the same thread replaces it;
 * a call that succeeds does not clear it.
 *
 * Return: a NUL-terminated string owned by the library, valid until this
 * thread's next libvfio call; "" if no call has failed on this thread.
 */
const char *vfio_last_error(void);

/**
 * vfio_clear_error() - forget this thread's last message
 *
 * Return: nothing.
 */
void vfio_clear_error(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_ERROR_H */
