# SPDX-License-Identifier: MIT
#
# The install test (ctest: install-consumer): install the build tree into a
# fresh prefix, then build tests/install/consumer against that prefix only, as
# a user's project would, and run it:
#   1. with CMake:      find_package(libvfio), libvfio::vfio-sim (shared) and
#                       libvfio::vfio-sim-static;
#   2. with pkg-config: cc $(pkg-config --cflags --libs libvfio-sim).
# Each shared consumer must load the installed libvfio.so.0, not the build tree's.
#
# cmake -DBUILD_DIR=build -DWORK_DIR=DIR -DSOURCE_DIR=tests/install/consumer
#       -DCC=cc -DLIBDIR=lib -P tests/install/run.cmake

cmake_minimum_required(VERSION 3.18)

foreach(v BUILD_DIR WORK_DIR SOURCE_DIR CC LIBDIR)
	if(NOT DEFINED ${v})
		message(FATAL_ERROR "run.cmake: -D${v}=... is required")
	endif()
endforeach()

function(run)
	execute_process(COMMAND ${ARGN} RESULT_VARIABLE rv OUTPUT_VARIABLE out ERROR_VARIABLE out)
	string(REPLACE ";" " " cmd "${ARGN}")
	if(NOT rv EQUAL 0)
		message(FATAL_ERROR "install test: failed (${rv}): ${cmd}\n${out}")
	endif()
	set(out "${out}" PARENT_SCOPE)
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f include/vfio/vfio.h include/vfio/sim.h ${LIBDIR}/libvfio.a ${LIBDIR}/libvfio-sim.a
	  ${LIBDIR}/libvfio.so ${LIBDIR}/libvfio-sim.so ${LIBDIR}/pkgconfig/libvfio.pc
	  ${LIBDIR}/pkgconfig/libvfio-sim.pc ${LIBDIR}/cmake/libvfio/libvfio-config.cmake)
	if(NOT EXISTS ${prefix}/${f})
		message(FATAL_ERROR "install test: ${f} was not installed")
	endif()
endforeach()
message(STATUS "installed into ${prefix}")

# The consumer must run on the installed shared libraries.
function(check_loads exe)
	run(ldd ${exe})
	if(NOT out MATCHES "libvfio\\.so\\.0 => ${prefix}/" OR
	   NOT out MATCHES "libvfio-sim\\.so\\.0 => ${prefix}/")
		message(FATAL_ERROR "install test: ${exe} does not load libvfio from ${prefix}:\n${out}")
	endif()
endfunction()

# The installed tool runs on the installed libraries (its RUNPATH is $ORIGIN/../lib).
if(EXISTS ${prefix}/bin/vfio-info)
	run(${prefix}/bin/vfio-info --sim)
	if(NOT out MATCHES "0000:00:03.0: group 3")
		message(FATAL_ERROR "install test: the installed vfio-info --sim printed:\n${out}")
	endif()
	check_loads(${prefix}/bin/vfio-info)
	message(STATUS "installed vfio-info --sim runs on the installed libraries")
endif()

# 1. CMake
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/cmake -DCMAKE_C_COMPILER=${CC}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
file(STRINGS ${WORK_DIR}/cmake/CMakeCache.txt found REGEX "^libvfio_DIR:")
if(NOT found STREQUAL "libvfio_DIR:PATH=${prefix}/${LIBDIR}/cmake/libvfio")
	message(FATAL_ERROR "install test: find_package found another libvfio: ${found}")
endif()
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cmake)
foreach(exe consumer-shared consumer-static)
	run(${WORK_DIR}/cmake/${exe})
	message(STATUS "${out}")
endforeach()
check_loads(${WORK_DIR}/cmake/consumer-shared)

# 2. pkg-config
find_program(PKG_CONFIG pkg-config REQUIRED)
set(pc_env ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${prefix}/${LIBDIR}/pkgconfig)
run(${pc_env} ${PKG_CONFIG} --modversion libvfio-sim)
message(STATUS "pkg-config: libvfio-sim ${out}")
run(${pc_env} ${PKG_CONFIG} --cflags --libs libvfio-sim)
string(STRIP "${out}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${pc_env} ${PKG_CONFIG} --variable=libdir libvfio)
string(STRIP "${out}" libdir)
file(MAKE_DIRECTORY ${WORK_DIR}/pkg-config)
set(exe ${WORK_DIR}/pkg-config/consumer)
run(${CC} -std=c11 -Wall -Wextra -Werror ${SOURCE_DIR}/consumer.c ${flags} -Wl,-rpath,${libdir}
    -o ${exe})
run(${exe})
message(STATUS "${out}")
check_loads(${exe})
message(STATUS "install test: CMake (shared, static) and pkg-config consumers built and ran")
