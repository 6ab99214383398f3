# SPDX-License-Identifier: MIT
#
# The shared libraries export their public API and nothing else (ctest:
# install-exports): each symbol nm -D lists as defined starts with vfio_ and
# is in the library's version script (generated from its public headers), and
# each function of the version script is defined.
#
# cmake -DNM=nm "-DLIBS=libvfio.so;libvfio-sim.so" "-DMAPS=libvfio.map;libvfio-sim.map"
#       -P tests/install/check-exports.cmake

cmake_minimum_required(VERSION 3.18)

set(errors "")
foreach(lib map IN ZIP_LISTS LIBS MAPS)
	execute_process(COMMAND ${NM} -D --defined-only ${lib} RESULT_VARIABLE rv
			OUTPUT_VARIABLE out ERROR_VARIABLE err)
	if(NOT rv EQUAL 0)
		message(FATAL_ERROR "${NM} -D ${lib} failed: ${err}")
	endif()
	# "0000000000012340 T vfio_name" (version nodes, if any, are absolute "A" entries)
	string(REGEX MATCHALL "[0-9a-f]+ [A-Za-z] [^\n]+" lines "${out}")
	file(STRINGS ${map} wanted REGEX "^\t\tvfio_[a-z0-9_]+;?$")
	list(TRANSFORM wanted REPLACE "^\t\t(vfio_[a-z0-9_]+);?$" "\\1")
	set(have "")
	foreach(line ${lines})
		string(REGEX REPLACE "^[0-9a-f]+ ([A-Za-z]) (.*)$" "\\1;\\2" parts "${line}")
		list(GET parts 0 type)
		list(GET parts 1 name)
		if(type STREQUAL "A")
			continue()
		endif()
		if(NOT name MATCHES "^vfio_" OR NOT name IN_LIST wanted)
			string(APPEND errors "${lib}: exports ${name}, not in its public headers\n")
		endif()
		list(APPEND have ${name})
	endforeach()
	foreach(name ${wanted})
		if(NOT name IN_LIST have)
			string(APPEND errors "${lib}: ${name}() is declared in its headers, not defined\n")
		endif()
	endforeach()
	list(LENGTH have count)
	list(LENGTH wanted declared)
	get_filename_component(base ${lib} NAME)
	message(STATUS "${base}: exports ${count} symbols; its headers declare ${declared} functions")
endforeach()
if(errors)
	message(FATAL_ERROR "${errors}")
endif()
message(STATUS "every exported symbol is a vfio_ function of the public headers, and each is exported")
