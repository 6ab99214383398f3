# SPDX-License-Identifier: MIT
#
# vfio-info end to end, on the sim (ctest: vfio-info-output): the text and the
# JSON of --sim, a device the sim lacks, and a usage error, with their exit
# statuses.  The JSON is read back with CMake's own parser.
#
# cmake -DVFIO_INFO=path/to/vfio-info -P check-output.cmake

cmake_minimum_required(VERSION 3.19) # string(JSON)

function(run expect_rv)
	execute_process(COMMAND ${VFIO_INFO} ${ARGN} RESULT_VARIABLE rv OUTPUT_VARIABLE out
			ERROR_VARIABLE err)
	if(NOT rv EQUAL expect_rv)
		message(FATAL_ERROR "vfio-info ${ARGN}: exit ${rv}, expected ${expect_rv}\n${out}${err}")
	endif()
	set(out "${out}" PARENT_SCOPE)
	set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect text)
	foreach(want ${ARGN})
		string(FIND "${text}" "${want}" at)
		if(at EQUAL -1)
			message(FATAL_ERROR "vfio-info: \"${want}\" missing from:\n${text}")
		endif()
	endforeach()
endfunction()

function(json_expect doc want)
	string(JSON got ERROR_VARIABLE jerr GET "${doc}" ${ARGN})
	if(jerr OR NOT got STREQUAL want)
		string(REPLACE ";" "." path "${ARGN}")
		message(FATAL_ERROR "vfio-info --json: ${path} is \"${got}\" (${jerr}), expected \"${want}\"")
	endif()
endfunction()

function(json_length doc want)
	string(JSON got ERROR_VARIABLE jerr LENGTH "${doc}" ${ARGN})
	if(jerr OR NOT got EQUAL want)
		message(FATAL_ERROR "vfio-info --json: ${ARGN} has ${got} entries (${jerr}), expected ${want}")
	endif()
endfunction()

function(json_type doc want)
	string(JSON got ERROR_VARIABLE jerr TYPE "${doc}" ${ARGN})
	if(jerr OR NOT got STREQUAL want)
		message(FATAL_ERROR "vfio-info --json: ${ARGN} is a ${got} (${jerr}), expected ${want}")
	endif()
endfunction()

# text
run(0 --sim)
expect("${out}" "0000:00:03.0: group 3" "0000:01:00.0: group 5"
       "IOMMU:    Type1v2, page sizes 4K, 65535 DMA mappings left"
       "IOVA ranges: 0x0-0xfedfffff, 0xfef00000-0xffffffffffff"
       "0  BAR0    size 0x100000 (1M)  offset 0x0  READ WRITE MMAP"
       "7  CONFIG  size 0x100  offset 0x70000000000  READ WRITE"
       "MSI-X mappable"
       "2  MSIX    4 vectors  EVENTFD"
       "0x040 MSI (0x05): 1 vector, 64-bit"
       "0x060 MSI-X (0x11): 4 vectors, table BAR2+0x0, PBA BAR2+0x800"
       "VFIO_DEVICE_RESET  offered" "VFIO_DEVICE_RESET  not offered"
       "PCI hot reset      not available (ENODEV)"
       "PCI hot reset      resets 1 device: 0000:01:00.0 (group 5)")

# JSON
run(0 --sim --json)
json_expect("${out}" "sim" backend)
json_length("${out}" 2 devices)
json_expect("${out}" "0000:00:03.0" devices 0 name)
json_expect("${out}" "3" devices 0 group)
json_expect("${out}" "Type1v2" devices 0 iommu type)
json_expect("${out}" "0xfef00000" devices 0 iommu iova_ranges 1 start)
json_expect("${out}" "65535" devices 0 iommu dma_avail)
json_expect("${out}" "BAR0" devices 0 regions 0 name)
json_expect("${out}" "0x100000" devices 0 regions 0 size)
json_expect("${out}" "MMAP" devices 0 regions 0 flags 2)
json_expect("${out}" "OFF" devices 0 regions 8 present)
json_expect("${out}" "0x11e8" devices 0 pci device)
json_expect("${out}" "MSI" devices 0 pci capabilities 0 name)
json_expect("${out}" "OFF" devices 0 reset device_reset)
json_expect("${out}" "ON" devices 1 regions 2 caps msix_mappable)
json_expect("${out}" "4" devices 1 irqs 2 count)
json_expect("${out}" "ON" devices 1 reset device_reset)
json_expect("${out}" "0000:01:00.0" devices 1 reset hot_reset 0 device)
json_expect("${out}" "ENODEV" devices 0 reset hot_reset_error)
json_type("${out}" NULL error)
json_type("${out}" NULL devices 1 error)

# a device the sim does not hold: reported, with what it holds; exit 1
run(1 --sim --json 0000:00:09.0 03.0)
json_length("${out}" 2 devices)
json_expect("${out}" "ENOENT" devices 0 error code)
json_expect("${out}" "resolve" devices 0 error stage)
expect("${out}" "The sim holds 0000:00:03.0")
run(1 --sim 00:03.0 0000:00:09.0)
expect("${out}" "0000:00:09.0: FAILED (ENOENT): no such device in the sim"
       "0000:00:03.0: group 3" "1 of 2 devices could not be reported.")

# usage
run(2 --no-such-option)
expect("${err}" "Usage: vfio-info")
run(0 --help)
expect("${out}" "Usage: vfio-info" "--json" "--sim")
message(STATUS "vfio-info: text, JSON, failures and usage as expected")
