# SPDX-License-Identifier: MIT
#
# Coverage with lcov.  Two roles in one file:
#
#  - included from CMakeLists.txt: when VFIO_COVERAGE is ON, adds the `coverage`
#    target, which builds everything, then runs this file as a script;
#  - run as a script (cmake -P): zero the counters, run ctest, capture, report
#    core/ and the whole library, write HTML to coverage/html, and fail when
#    core/ is below VFIO_COVERAGE_LINE_MIN percent of lines (100) or
#    VFIO_COVERAGE_BRANCH_MIN percent of branches (95).  The fail-Nth sweep
#    (tests/failnth), which ctest runs, is what reaches the ENOMEM paths.

if(NOT CMAKE_SCRIPT_MODE_FILE)
	if(NOT VFIO_COVERAGE)
		return()
	endif()
	find_program(LCOV_EXECUTABLE lcov REQUIRED)
	find_program(GENHTML_EXECUTABLE genhtml REQUIRED)
	# New names: a build tree that cached the old line minimum (VFIO_COVERAGE_MIN, 90)
	# gets the raised gate all the same.
	set(VFIO_COVERAGE_LINE_MIN 100 CACHE STRING "Minimum line coverage of core/, percent")
	set(VFIO_COVERAGE_BRANCH_MIN 95 CACHE STRING "Minimum branch coverage of core/, percent")

	add_custom_target(coverage
		COMMAND ${CMAKE_COMMAND}
			-DLCOV=${LCOV_EXECUTABLE}
			-DGENHTML=${GENHTML_EXECUTABLE}
			-DCTEST=${CMAKE_CTEST_COMMAND}
			-DSOURCE_DIR=${PROJECT_SOURCE_DIR}
			-DBINARY_DIR=${PROJECT_BINARY_DIR}
			-DLINE_MIN=${VFIO_COVERAGE_LINE_MIN}
			-DBRANCH_MIN=${VFIO_COVERAGE_BRANCH_MIN}
			-P ${CMAKE_CURRENT_LIST_FILE}
		WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
		USES_TERMINAL
		COMMENT "Running the tests for coverage")

	# The target depends on every built target, so it first builds what ctest runs.
	function(_vfio_coverage_depend_on dir)
		get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
		foreach(t ${targets})
			get_target_property(type ${t} TYPE)
			if(type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|OBJECT_LIBRARY)$")
				add_dependencies(coverage ${t})
				# Threads update the counters at once; keep them exact.
				target_compile_options(${t} PRIVATE -fprofile-update=atomic)
			endif()
		endforeach()
		get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
		foreach(sub ${subdirs})
			_vfio_coverage_depend_on(${sub})
		endforeach()
	endfunction()
	_vfio_coverage_depend_on(${PROJECT_SOURCE_DIR})
	return()
endif()

# ---- script mode ----

set(out ${BINARY_DIR}/coverage)
set(html ${SOURCE_DIR}/coverage/html)
set(rc --rc lcov_branch_coverage=1)
file(MAKE_DIRECTORY ${out})

function(run)
	execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${BINARY_DIR} RESULT_VARIABLE rv)
	if(NOT rv EQUAL 0)
		string(REPLACE ";" " " cmd "${ARGN}")
		message(FATAL_ERROR "coverage: failed (${rv}): ${cmd}")
	endif()
endfunction()

# lcov --capture, without the "Subroutine ... redefined" noise of Debian's geninfo 1.16.
function(capture)
	execute_process(COMMAND ${LCOV} --quiet ${rc} --capture --directory ${BINARY_DIR} ${ARGN}
			WORKING_DIRECTORY ${BINARY_DIR} RESULT_VARIABLE rv ERROR_VARIABLE err)
	string(REGEX REPLACE "Subroutine [a-z_]+ redefined at [^\n]*\n" "" err "${err}")
	if(err)
		message("${err}")
	endif()
	if(NOT rv EQUAL 0)
		message(FATAL_ERROR "coverage: lcov --capture ${ARGN} failed (${rv})")
	endif()
endfunction()

run(${LCOV} --quiet --zerocounters --directory ${BINARY_DIR})
run(${CTEST} --output-on-failure --no-tests=error)

# The baseline gives every instrumented file a zero count, so a core/ file no
# test links into its executable still counts, at 0 %, instead of vanishing.
capture(--initial --output-file ${out}/base.info)
capture(--output-file ${out}/tests.info)
run(${LCOV} --quiet ${rc} --add-tracefile ${out}/base.info --add-tracefile ${out}/tests.info
    --output-file ${out}/all.info)
# The library: core/ and the backends; the tests and system headers are left out.
run(${LCOV} --quiet ${rc} --extract ${out}/all.info "${SOURCE_DIR}/core/*"
    "${SOURCE_DIR}/backends/*" --output-file ${out}/library.info)
run(${LCOV} --quiet ${rc} --extract ${out}/all.info "${SOURCE_DIR}/core/*"
    --output-file ${out}/core.info)

run(${GENHTML} --quiet ${rc} --legend --title "libvfio" --prefix ${SOURCE_DIR}
    --output-directory ${html} ${out}/library.info)
message(STATUS "coverage: HTML report in ${html}/index.html")

message("---- coverage: whole library (core/, backends/) ----")
run(${LCOV} ${rc} --summary ${out}/library.info)

message("---- coverage: core/ ----")
execute_process(COMMAND ${LCOV} ${rc} --summary ${out}/core.info
		OUTPUT_VARIABLE summary ERROR_VARIABLE summary RESULT_VARIABLE rv)
message("${summary}")
if(NOT rv EQUAL 0)
	message(FATAL_ERROR "coverage: lcov --summary failed (${rv})")
endif()
# lcov prints one decimal; a version comparison orders "89.9" < "90" < "90.1".
function(gate what min)
	if(NOT summary MATCHES "${what}\\.+: ([0-9]+(\\.[0-9]+)?)%")
		message(FATAL_ERROR "coverage: no ${what} coverage in lcov's summary of core/")
	endif()
	set(pct ${CMAKE_MATCH_1})
	if(pct VERSION_LESS min)
		message(FATAL_ERROR "coverage: core/ ${what} coverage ${pct}% is below ${min}%")
	endif()
	message("coverage: core/ ${what} coverage ${pct}% (minimum ${min}%)")
endfunction()
gate(lines ${LINE_MIN})
gate(branches ${BRANCH_MIN})
