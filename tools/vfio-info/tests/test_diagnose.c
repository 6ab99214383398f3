// SPDX-License-Identifier: MIT
/* vfio-info's hints: each common failure gets the fix to try, on the kernel only. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vfio_info.h"

static struct vi_target target(const char *driver)
{
	struct vi_target t = { .group = 12, .group_known = true, .driver_known = true };

	snprintf(t.name, sizeof(t.name), "0000:03:00.0");
	snprintf(t.path, sizeof(t.path), "/sys/bus/pci/devices/0000:03:00.0");
	snprintf(t.driver, sizeof(t.driver), "%s", driver);
	return t;
}

static const char *hint_for(enum vi_stage stage, int err, const struct vi_target *t,
			    const struct vi_facts *facts)
{
	static struct vi_failure f;

	vi_fail(&f, stage, err, "failed");
	vi_diagnose(&f, t, facts);
	return f.hint;
}

static void test_kernel_hints(void **state)
{
	struct vi_facts facts = { .kernel = true, .vfio_pci_loaded = false };
	struct vi_target e1000e = target("e1000e"), bound = target("vfio-pci");
	const char *h;

	(void)state;
	h = hint_for(VI_STAGE_DRIVER, -ENODEV, &e1000e, &facts);
	assert_non_null(strstr(h, "modprobe vfio-pci"));
	assert_non_null(strstr(h, "echo vfio-pci > "
				  "/sys/bus/pci/devices/0000:03:00.0/driver_override"));
	assert_non_null(strstr(h, "echo 0000:03:00.0 > "
				  "/sys/bus/pci/devices/0000:03:00.0/driver/unbind"));
	assert_non_null(strstr(h, "driverctl set-override 0000:03:00.0 vfio-pci"));

	facts.vfio_pci_loaded = true;
	h = hint_for(VI_STAGE_DRIVER, -ENODEV, &e1000e, &facts);
	assert_null(strstr(h, "modprobe"));

	assert_non_null(strstr(hint_for(VI_STAGE_CONTAINER, -ENOENT, NULL, &facts), "modprobe "
										    "vfio-pci"));
	assert_non_null(strstr(hint_for(VI_STAGE_GROUP, -EACCES, &bound, &facts), "chown $USER "
										  "/dev/vfio/12"));
	assert_non_null(strstr(hint_for(VI_STAGE_GROUP, -EBUSY, &bound, &facts), "fuser -v "
										 "/dev/vfio/12"));
	assert_non_null(strstr(hint_for(VI_STAGE_NO_GROUP, -ENOENT, &bound, &facts), "intel_iommu="
										     "on"));
	assert_non_null(strstr(hint_for(VI_STAGE_IOMMU, -EPERM, &bound, &facts), "allow_unsafe_"
										 "interrupts=1"));

	snprintf(facts.group_members, sizeof(facts.group_members),
		 "0000:03:00.0 (vfio-pci), 0000:03:00.1 (snd_hda_intel)");
	h = hint_for(VI_STAGE_VIABLE, -EPERM, &bound, &facts);
	assert_non_null(strstr(h, "Group 12 holds: 0000:03:00.0 (vfio-pci), 0000:03:00.1 "
				  "(snd_hda_intel)"));

	h = hint_for(VI_STAGE_NONE, -ENODEV, NULL, &facts);
	assert_non_null(strstr(h, "vfio-info --sim"));
}

static void test_sim_hints(void **state)
{
	struct vi_facts facts = { .kernel = false, .sim_devices = "edu and qdev" };
	struct vi_target t = target("");

	(void)state;
	assert_string_equal(hint_for(VI_STAGE_RESOLVE, -ENOENT, &t, &facts), "The sim holds edu "
									     "and qdev.\n");
	/* the machine's files mean nothing on the sim */
	assert_string_equal(hint_for(VI_STAGE_GROUP, -EACCES, &t, &facts), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_hints),
		cmocka_unit_test(test_sim_hints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
