// SPDX-License-Identifier: MIT
/* core/error.c: the per-thread message, its format and its bounds. */

#include "private.h"
#include "testutil.h"

static void format_names_errno(void **state)
{
	(void)state;
	assert_int_equal(vfio_fail(-ENODEV, "VFIO_GROUP_GET_DEVICE_FD %s on group %u", "x", 3u),
			 -ENODEV);
	assert_string_equal(vfio_last_error(), "VFIO_GROUP_GET_DEVICE_FD x on group 3: No such device");
}

static void clear(void **state)
{
	(void)state;
	vfio_fail(-EIO, "something");
	vfio_clear_error();
	assert_string_equal(vfio_last_error(), "");
}

static void prefix(void **state)
{
	(void)state;
	vfio_fail(-EIO, "inner");
	assert_int_equal(vfio_fail_prefix(-EIO, "outer %d", 1), -EIO);
	assert_string_equal(vfio_last_error(), "outer 1: inner: Input/output error");
}

static void long_messages_truncate(void **state)
{
	char big[2000];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	vfio_fail(-EIO, "%s", big);
	assert_int_equal(strlen(vfio_last_error()), 511);
	vfio_fail(-EIO, "%.505s", big);
	assert_int_equal(strlen(vfio_last_error()), 511);
	assert_int_equal(vfio_last_error()[505], ':');
	vfio_fail_prefix(-EIO, "%s", big);
	assert_int_equal(strlen(vfio_last_error()), 511);
	vfio_fail(-EIO, "short");
	vfio_fail_prefix(-EIO, "%.508s", big);
	assert_int_equal(strlen(vfio_last_error()), 511);
}

static void save_restore(void **state)
{
	struct vfio_saved_error e;

	(void)state;
	vfio_fail(-EIO, "first");
	vfio_error_save(&e);
	vfio_fail(-EBUSY, "second");
	vfio_error_restore(&e);
	assert_string_equal(vfio_last_error(), "first: Input/output error");
}

static void unknown_errno(void **state)
{
	(void)state;
	vfio_fail(-4000, "odd");
	assert_msg_has("odd: ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_names_errno), cmocka_unit_test(clear),
		cmocka_unit_test(prefix),             cmocka_unit_test(long_messages_truncate),
		cmocka_unit_test(save_restore),       cmocka_unit_test(unknown_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
